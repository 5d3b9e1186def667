package net.rsendmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressListTest {

    @Test
    void plainAndNamedAddresses() throws AddressException {
        assertEquals(List.of("a@x.org"), AddressList.parse("a@x.org"));
        assertEquals(List.of("a@x.org", "b@y.org"), AddressList.parse("a@x.org, b@y.org"));
        assertEquals(List.of("a@x.org"), AddressList.parse("Alice Example <a@x.org>"));
        assertEquals(List.of("a@x.org", "b@y.org"),
                AddressList.parse("\"Example, Alice\" <a@x.org>, \"Bob \\\"B\\\"\" <b@y.org>"));
        assertEquals(List.of("a@x.org"), AddressList.parse("=?UTF-8?Q?J=C3=B6rg?= <a@x.org>"));
    }

    @Test
    void commentsAndFoldingAreDropped() throws AddressException {
        assertEquals(List.of("a@x.org"), AddressList.parse("(comment (nested)) a@x.org (trailing)"));
        assertEquals(List.of("a@x.org", "b@x.org"), AddressList.parse("a@x.org,\r\n\tb@x.org"));
        assertEquals(List.of("a@x.org"), AddressList.parse("a @ x.org"));
    }

    @Test
    void groups() throws AddressException {
        assertEquals(List.of(), AddressList.parse("undisclosed-recipients:;"));
        assertEquals(List.of("a@x.org", "b@x.org", "c@x.org"),
                AddressList.parse("Team: a@x.org, Bee <b@x.org>; c@x.org"));
    }

    @Test
    void obsoleteRouteAndEmptyElements() throws AddressException {
        assertEquals(List.of("a@x.org"), AddressList.parse("<@relay1,@relay2:a@x.org>"));
        assertEquals(List.of("a@x.org", "b@x.org"), AddressList.parse(",a@x.org,,b@x.org,"));
    }

    @Test
    void quotedLocalPartIsReturnedForTheValidatorToRefuse() throws AddressException {
        List<String> got = AddressList.parse("\"john doe\"@x.org");
        assertEquals(List.of("\"john doe\"@x.org"), got);
        assertThrows(AddressException.class, () -> Mailbox.parse(got.get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<a@x.org", "a@x.org>", "\"unterminated <a@x.org>", "(unterminated a@x.org",
        "Group: a@x.org", "a@x.org;", "A: B: c@x.org;;", "<a@x.org, b@x.org>", "a@[1.2.3.4"
    })
    void malformedListsAreRefused(String body) {
        assertThrows(AddressException.class, () -> AddressList.parse(body));
    }
}
