package net.rsendmail.records;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * A DKIM key record (RFC 6376 §3.6.1; Ed25519: RFC 8463 §4): the TXT at
 * {@code SELECTOR._domainkey.DOMAIN}. What a doctor needs: the key type, the public key, its size,
 * whether it is revoked (empty {@code p=}) or in test mode ({@code t=y}).
 */
public sealed interface DkimRecord permits DkimRecord.Key, DkimRecord.Revoked, DkimRecord.Invalid {

    /** A usable key; {@code bits} is the RSA modulus size, 256 for Ed25519. */
    record Key(String type, String publicKeyBase64, int bits, boolean testing) implements DkimRecord {
    }

    /** {@code p=} empty: the key was revoked (RFC 6376 §3.6.1). */
    record Revoked() implements DkimRecord {
    }

    record Invalid(String reason) implements DkimRecord {
    }

    /** The minimum RSA size for signing keys (RFC 8301 §3.2). */
    int MIN_RSA_BITS = 2048;

    /** {@code txt}: the TXT record's strings, already joined (RFC 6376 §3.6.2.2). */
    static DkimRecord parse(String txt) {
        TagList.Parsed parsed = TagList.parse(txt);
        if (parsed instanceof TagList.Parsed.Bad b) {
            return new Invalid(b.reason());
        }
        TagList tags = ((TagList.Parsed.Ok) parsed).list();
        Optional<String> v = tags.get("v");
        if (v.isPresent() && (!v.get().equals("DKIM1") || !tags.firstTag().orElse("").equals("v"))) {
            return new Invalid("v= must be DKIM1 and come first");
        }
        String type = tags.keyword("k").orElse("rsa");
        Optional<String> p = tags.get("p");
        if (p.isEmpty()) {
            return new Invalid("no p= tag");
        }
        String b64 = p.get().replaceAll("[ \t]", "");
        if (b64.isEmpty()) {
            return new Revoked();
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return new Invalid("p= is not base64");
        }
        boolean testing = tags.get("t").map(t -> t.matches("(?i)(.*:)?\\s*y\\s*(:.*)?")).orElse(false);
        switch (type) {
            case "rsa":
                try {
                    RSAPublicKey k = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
                    return new Key("rsa", b64, k.getModulus().bitLength(), testing);
                } catch (GeneralSecurityException | ClassCastException e) {
                    return new Invalid("p= is not an RSA public key");
                }
            case "ed25519":
                if (der.length != 32) { // RFC 8463 §4: the raw 32-byte key, not SubjectPublicKeyInfo
                    return new Invalid("p= of an ed25519 key must be 32 bytes, not " + der.length);
                }
                return new Key("ed25519", b64, 256, testing);
            default:
                return new Invalid("unknown key type k=" + type);
        }
    }
}
