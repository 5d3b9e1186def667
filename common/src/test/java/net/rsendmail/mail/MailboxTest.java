package net.rsendmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "user@example.org", "a@b", "first.last@sub.example.co.uk", "user+tag@example.org",
        "o'brien@example.ie", "x!#$%&'*+-/=?^_`{|}~y@example.org", "user@[192.0.2.1]",
        "user@[IPv6:2001:db8::1]", "jörg@bücher.example", "用户@例子.广告", "a@xn--bcher-kva.example",
        "UPPER@EXAMPLE.ORG", "1@2.3", "a-b@c-d.e"
    })
    void acceptsValidMailboxes(String address) throws AddressException {
        assertEquals(address, Mailbox.parse(address).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "@example.org", "user@", "user", "-bp@example.org", "-oQ/tmp", "user@@example.org",
        "us er@example.org", "user@exa mple.org", "user\t@example.org", "user\n@example.org",
        "user\r@example.org", "user\0@example.org", "user\u007f@example.org", ".user@example.org",
        "user.@example.org", "us..er@example.org", "\"quoted\"@example.org", "user@-example.org",
        "user@example-.org", "user@exa..mple.org", "user@.example.org", "user@example.org.",
        "user@exa_mple.org", "user@[300.1.1.1]", "user@[1.2.3]", "user@[IPv6:zz::1]", "user@[1.2.3.4",
        "a(b)@example.org", "a,b@example.org", "a;b@example.org", "a<b@example.org", "a>b@example.org",
        "a[b@example.org", "a\\b@example.org", "a:b@example.org", "user@exam!ple.org",
        "user\u202e@example.org", "user\u00a0@example.org", "user\u2028@example.org", "user\ud800@example.org"
    })
    void refusesInvalidMailboxes(String address) {
        assertThrows(AddressException.class, () -> Mailbox.parse(address));
    }

    @Test
    void enforcesRfc5321Lengths() throws AddressException {
        String local64 = "a".repeat(64);
        assertEquals(local64 + "@x.org", Mailbox.parse(local64 + "@x.org").toString());
        assertThrows(AddressException.class, () -> Mailbox.parse("a".repeat(65) + "@x.org"));
        String label63 = "b".repeat(63);
        Mailbox.parse("a@" + label63 + ".org");
        assertThrows(AddressException.class, () -> Mailbox.parse("a@" + "b".repeat(64) + ".org"));
        // 254 octets in all is the most a mailbox may have (a 256-octet path with its brackets).
        String domain = String.join(".", label63, label63, label63, "c".repeat(59));
        assertEquals(251, domain.length());
        Mailbox.parse("ab@" + domain);
        assertThrows(AddressException.class, () -> Mailbox.parse("abc@" + domain));
        // Octets, not characters: 22 three-octet characters are 66 octets.
        assertThrows(AddressException.class, () -> Mailbox.parse("用".repeat(22) + "@x.org"));
        Mailbox.parse("用".repeat(21) + "@x.org");
    }

    @Test
    void bareLocalPartOnlyWhenAllowed() throws AddressException {
        assertThrows(AddressException.class, () -> Mailbox.parse("root", false));
        Mailbox m = Mailbox.parse("root", true);
        assertTrue(m.isBare());
        assertNull(m.domain());
        assertThrows(AddressException.class, () -> Mailbox.parse("-root", true));
    }

    @Test
    void hugeInputIsRefusedQuickly() {
        assertThrows(AddressException.class, () -> Mailbox.parse("a".repeat(1_000_000) + "@x.org"));
    }
}
