package net.rsendmail.client.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.rsendmail.mail.HeaderBlock;
import org.junit.jupiter.api.Test;

/** RFC 6376 §3.4.5 and RFC 8463 Appendix A, byte for byte. */
class DkimVectorsTest {
    static final String RFC8463_MESSAGE = String.join("\r\n",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");
    static final String RSA_PKCS1 = String.join("\n",
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi",
            "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM",
            "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB",
            "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm",
            "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe",
            "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy",
            "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc",
            "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy",
            "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd",
            "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a",
            "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst",
            "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe",
            "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL",
            "-----END RSA PRIVATE KEY-----", "");
    static final String ED25519_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    static final List<String> H = List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");

    static String ed25519Pem() {
        byte[] der = HexFormat.of().parseHex("302e020100300506032b657004220420");
        byte[] seed = Base64.getDecoder().decode(ED25519_SEED);
        byte[] all = new byte[der.length + seed.length];
        System.arraycopy(der, 0, all, 0, der.length);
        System.arraycopy(seed, 0, all, der.length, seed.length);
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(all) + "\n-----END PRIVATE KEY-----\n";
    }

    private static DkimKey key(String pem, String selector) throws Exception {
        PemKeys.Parsed p = PemKeys.parse(pem.getBytes(StandardCharsets.US_ASCII), "test");
        return new DkimKey("football.example.com", selector, p.algorithm(), p.privateKey());
    }

    private static String b(DkimKey k, String field) throws Exception {
        byte[] m = RFC8463_MESSAGE.getBytes(StandardCharsets.US_ASCII);
        HeaderBlock hb = HeaderBlock.parse(m, m.length);
        byte[] data = DkimSigner.headerData(m, hb, H, field.getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(k.sign(data));
    }

    @Test
    void rfc8463BodyHash() throws Exception {
        byte[] m = RFC8463_MESSAGE.getBytes(StandardCharsets.US_ASCII);
        byte[] bh = DkimSigner.bodyHash(m, DkimSigner.bodyStart(m, HeaderBlock.parse(m, m.length)));
        assertEquals("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", Base64.getEncoder().encodeToString(bh));
    }

    @Test
    void rfc8463Ed25519() throws Exception {
        DkimKey k = key(ed25519Pem(), "brisbane");
        assertEquals(DkimKey.Algorithm.ED25519, k.algorithm());
        assertEquals("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", k.publicKeyBase64());
        String field = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
                + " d=football.example.com; i=@football.example.com;\r\n"
                + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
                + " subject : date : message-id : from : subject : date;\r\n"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=";
        assertEquals("/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus"
                + "Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==", b(k, field));
        assertEquals("brisbane._domainkey.football.example.com. IN TXT "
                + "\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"", k.dnsRecord());
    }

    @Test
    void rfc8463Rsa() throws Exception {
        DkimKey k = key(RSA_PKCS1, "test");
        assertEquals(DkimKey.Algorithm.RSA, k.algorithm());
        assertEquals("MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Q"
                + "vx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kr"
                + "yOTIKT+l/K4w3QIDAQAB", k.publicKeyBase64());
        String field = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
                + " d=football.example.com; i=@football.example.com;\r\n"
                + " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
                + " date : message-id : from : subject : date;\r\n"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=";
        assertEquals("F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3"
                + "DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz"
                + "dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=", b(k, field));
    }

    /** RFC 6376 §3.4.5: the relaxed forms of the example. */
    @Test
    void rfc6376Section345() throws Exception {
        String msg = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";
        byte[] m = msg.getBytes(StandardCharsets.US_ASCII);
        HeaderBlock hb = HeaderBlock.parse(m, m.length);
        StringBuilder headers = new StringBuilder();
        for (HeaderBlock.Field f : hb.fields()) {
            headers.append(new String(Relaxed.header(f.name(), m, f.colon(), f.end(), true), StandardCharsets.US_ASCII));
        }
        assertEquals("a:X\r\nb:Y Z\r\n", headers.toString());
        assertArrayEquals(sha256(" C\r\nD E\r\n"), DkimSigner.bodyHash(m, DkimSigner.bodyStart(m, hb)));
    }

    @Test
    void relaxedBodyEdges() throws Exception {
        assertArrayEquals(sha256(""), hashBody("H: v\n\n"));
        assertArrayEquals(sha256(""), hashBody("H: v\n\n\n \r\n\t\n"));
        assertArrayEquals(sha256("no newline\r\n"), hashBody("H: v\n\nno newline"));
        assertArrayEquals(sha256("a b\r\n\r\nc\r\n"), hashBody("H: v\n\na \t b  \n\t\nc\n\n"));
        assertArrayEquals(sha256("\u00e9t\u00e9\r\n"), hashBody("H: v\n\n\u00e9t\u00e9\n"));
    }

    private static byte[] hashBody(String msg) throws Exception {
        byte[] m = msg.getBytes(StandardCharsets.UTF_8);
        return DkimSigner.bodyHash(m, DkimSigner.bodyStart(m, HeaderBlock.parse(m, m.length)));
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
