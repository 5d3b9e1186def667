package net.rsendmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {
    private static Command.Invalid invalid(String line) {
        return assertInstanceOf(Command.Invalid.class, CommandParser.parse(line), line);
    }

    @Test
    void verbsAreCaseInsensitiveAndSimpleOnesTakeNoArguments() {
        assertEquals(new Command.Hello("EHLO", "client.example"), CommandParser.parse("ehlo client.example"));
        assertEquals(new Command.Hello("HELO", "x"), CommandParser.parse("HeLo   x  "));
        assertEquals(new Command.Hello("LHLO", "x"), CommandParser.parse("LHLO x"));
        assertEquals(new Command.Data(), CommandParser.parse("data"));
        assertEquals(new Command.Rset(), CommandParser.parse("RSET"));
        assertEquals(new Command.Quit(), CommandParser.parse("quit"));
        assertEquals(new Command.Noop(), CommandParser.parse("NOOP anything"), "RFC 5321 §4.1.1.9");
        assertEquals(new Command.Help(), CommandParser.parse("HELP MAIL"));
        assertEquals(new Command.Vrfy("root"), CommandParser.parse("VRFY root"));
        assertEquals(new Command.NotImplemented("STARTTLS"), CommandParser.parse("starttls"));
        assertEquals(new Command.NotImplemented("AUTH"), CommandParser.parse("AUTH PLAIN AGFiYwBk"));
        assertEquals("501 5.5.4 DATA takes no arguments", invalid("DATA x").line());
        assertEquals("501 5.5.4 QUIT takes no arguments", invalid("QUIT now").line());
        assertEquals("501 5.5.4 RSET takes no arguments", invalid("RSET  ").line());
        assertEquals("501 5.5.4 EHLO needs a host name", invalid("EHLO").line());
        assertEquals("501 5.5.4 EHLO needs a host name", invalid("EHLO   ").line());
        assertEquals("501 5.5.4 VRFY needs an argument", invalid("VRFY").line());
    }

    @Test
    void unknownVerbsArePrintable() {
        assertEquals(new Command.Unknown("WHATEVER"), CommandParser.parse("whatever x"));
        assertEquals(new Command.Unknown(""), CommandParser.parse(""));
        assertEquals(new Command.Unknown(""), CommandParser.parse(" MAIL FROM:<a@b.org>"), "a leading space is no verb");
        // the reader refuses controls; should one come through, it is escaped in the reply
        assertEquals(new Command.Unknown("X\\x00Y"), CommandParser.parse("X\u0000Y"));
        assertEquals(new Command.Unknown("MAIL\\u2028"), CommandParser.parse("MAIL\u2028 FROM:<a@b.org>"));
        assertEquals(new Command.Unknown("MAIL\\x09FROM:<A@B.ORG>"), CommandParser.parse("MAIL\tFROM:<a@b.org>"));
    }

    @Test
    void mailWithEveryParameter() {
        assertEquals(new Command.Mail("a@example.org", 30, true, true, "Q1+", "HDRS", true),
                CommandParser.parse("MAIL FROM:<a@example.org> SIZE=30 BODY=8BITMIME SMTPUTF8 ENVID=Q1+2B RET=hdrs REQUIRETLS"));
        assertEquals(new Command.Mail("a@example.org", -1, false, false, null, "FULL", false),
                CommandParser.parse("MAIL FROM:<a@example.org> RET=FULL"));
        assertEquals(501, invalid("MAIL FROM:<a@example.org> REQUIRETLS=yes").code(), "RFC 8689 §4.1: no value");
        assertEquals(501, invalid("MAIL FROM:<a@example.org> REQUIRETLS REQUIRETLS").code());
        assertEquals(new Command.Mail("a@example.org", -1, false, false, null),
                CommandParser.parse("mail from:<a@example.org> body=7bit"));
        assertEquals(new Command.Mail("", -1, false, false, null), CommandParser.parse("MAIL FROM:<>"), "null sender");
        assertEquals(new Command.Mail("", -1, false, false, null), CommandParser.parse("MAIL FROM:<> "));
        assertEquals(new Command.Mail("a@b.org", -1, false, false, null), CommandParser.parse("MAIL FROM: <a@b.org>"),
                "a space after the colon, as some clients write it");
        assertEquals(new Command.Mail("a@b.org", 1, false, false, null), CommandParser.parse("MAIL FROM:<a@b.org>   SIZE=1  "));
        assertEquals(new Command.Mail("grüße@bücher.de", -1, false, true, null),
                CommandParser.parse("MAIL FROM:<grüße@bücher.de> SMTPUTF8"), "8-bit addresses (RFC 6531)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAIL", "MAIL FROM", "MAIL FROM:", "MAIL FROM:a@b.org", "MAIL TO:<a@b.org>", "MAIL FROM:<a@b.org",
        "MAIL FROM:<a b@c.org>", "MAIL FROM:<<a@b.org>>", "MAIL FROM:<a@b.org>SIZE=1", "MAIL FROM:<a\t@b.org>",
        "MAIL FROMX:<a@b.org>", "RCPT", "RCPT TO:", "RCPT TO:<>", "RCPT TO:b@c.org", "RCPT FROM:<b@c.org>",
        "RCPT TO:<b@c.org"})
    void badPathsAreSyntaxErrors(String line) {
        Command.Invalid i = invalid(line);
        assertEquals(501, i.code(), line);
        assertTrue(i.text().startsWith("syntax: "), i.text());
    }

    @Test
    void badParameterValues() {
        assertEquals("501 5.5.4 bad SIZE", invalid("MAIL FROM:<a@b.org> SIZE=").line());
        assertEquals("501 5.5.4 bad SIZE", invalid("MAIL FROM:<a@b.org> SIZE").line());
        assertEquals("501 5.5.4 bad SIZE", invalid("MAIL FROM:<a@b.org> SIZE=-1").line());
        assertEquals("501 5.5.4 bad SIZE", invalid("MAIL FROM:<a@b.org> SIZE=1e3").line());
        assertEquals("501 5.5.4 bad SIZE", invalid("MAIL FROM:<a@b.org> SIZE=9999999999999999999").line(), "no overflow");
        assertEquals(new Command.Mail("a@b.org", 999_999_999_999_999_999L, false, false, null),
                CommandParser.parse("MAIL FROM:<a@b.org> SIZE=999999999999999999"));
        assertEquals("501 5.5.4 BODY must be 7BIT or 8BITMIME", invalid("MAIL FROM:<a@b.org> BODY=BINARYMIME").line());
        assertEquals("501 5.5.4 BODY must be 7BIT or 8BITMIME", invalid("MAIL FROM:<a@b.org> BODY").line());
        assertEquals("501 5.5.4 SMTPUTF8 takes no value", invalid("MAIL FROM:<a@b.org> SMTPUTF8=yes").line());
        assertEquals("501 5.5.4 RET must be FULL or HDRS", invalid("MAIL FROM:<a@b.org> RET=ALL").line());
        assertEquals("501 5.5.4 bad ENVID", invalid("MAIL FROM:<a@b.org> ENVID=bad=").line());
        assertEquals("501 5.5.4 bad ENVID", invalid("MAIL FROM:<a@b.org> ENVID=").line());
        assertEquals("501 5.5.4 bad ENVID", invalid("MAIL FROM:<a@b.org> ENVID=+2").line());
        assertEquals("501 5.5.4 bad ENVID", invalid("MAIL FROM:<a@b.org> ENVID=" + "x".repeat(101)).line());
        assertEquals("501 5.5.4 duplicate MAIL parameter: SIZE", invalid("MAIL FROM:<a@b.org> SIZE=1 size=2").line());
    }

    @Test
    void unknownParametersAre555AndNamed() {
        assertEquals("555 5.5.4 unsupported MAIL parameter: FOO", invalid("MAIL FROM:<a@b.org> foo=1").line());
        assertEquals("555 5.5.4 unsupported MAIL parameter: AUTH", invalid("MAIL FROM:<a@b.org> AUTH=<>").line());
        assertEquals("555 5.5.4 unsupported RCPT parameter: X", invalid("RCPT TO:<b@c.org> X=1").line());
        assertEquals("555 5.5.4 unsupported MAIL parameter: \\x7f", invalid("MAIL FROM:<a@b.org> \u007f").line());
        String longKey = "K".repeat(300);
        assertTrue(invalid("MAIL FROM:<a@b.org> " + longKey).text().endsWith("..."), "cut short in the reply");
    }

    @Test
    void rcptWithDsnParameters() {
        assertEquals(new Command.Rcpt("b@example.net", "FAILURE,DELAY", "rfc822;b@example.net"),
                CommandParser.parse("RCPT TO:<b@example.net> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.net"));
        assertEquals(new Command.Rcpt("b@example.net", null, "rfc822;Bob+2BX+3Dy@example.net"),
                CommandParser.parse("RCPT TO:<b@example.net> ORCPT=rfc822;Bob+2BX+3Dy@example.net"), "kept as sent");
        assertEquals(new Command.Rcpt("b@example.net", "NEVER"), CommandParser.parse("rcpt to:<b@example.net> notify=never"));
        assertEquals(new Command.Rcpt("postmaster"), CommandParser.parse("RCPT TO:<postmaster>"), "checked by the session");
        assertEquals(555, invalid("RCPT TO:<b@c.org> NOTIFY=SOMETIMES").code());
        assertEquals(555, invalid("RCPT TO:<b@c.org> NOTIFY=FAILURE,,DELAY").code());
        assertEquals(555, invalid("RCPT TO:<b@c.org> NOTIFY").code());
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=b@c.org").code());
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=rfc822;a=b").code());
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=;a@b.org").code(), "no addr-type");
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=rfc(822);a@b.org").code(), "addr-type is an atom");
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=rfc822;a+ZZ@b.org").code(), "bad xtext hex");
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=rfc822;a\u00e9@b.org").code(), "xtext is ASCII");
        assertEquals(555, invalid("RCPT TO:<b@c.org> ORCPT=rfc822;a\u0001@b.org").code());
        assertEquals(501, invalid("RCPT TO:<b@c.org> ORCPT=rfc822;a@b ORCPT=rfc822;c@d").code());
        assertEquals(501, invalid("RCPT TO:<b@c.org> NOTIFY=NEVER NOTIFY=NEVER").code());
    }
}
