package net.rsendmail.client.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.Base64;
import net.rsendmail.records.ZoneText;

/** A signing key for one domain and selector; its public half is derived only for the DNS record. */
public record DkimKey(String domain, String selector, Algorithm algorithm, PrivateKey privateKey) {

    /** RFC 6376 §3.3 and RFC 8463 §3: the a= name and the k= name. */
    public enum Algorithm {
        RSA("rsa-sha256", "rsa"), ED25519("ed25519-sha256", "ed25519");

        final String tag;
        final String keyType;

        Algorithm(String tag, String keyType) {
            this.tag = tag;
            this.keyType = keyType;
        }
    }

    /** RFC 8301 §3.2 allows 1024; we refuse what receivers increasingly reject. */
    public static final int MIN_RSA_BITS = 2048;

    /** The b= value over {@code data} (the canonicalized header data, RFC 6376 §3.7). */
    byte[] sign(byte[] data) throws GeneralSecurityException {
        Signature s;
        if (algorithm == Algorithm.ED25519) {
            data = MessageDigest.getInstance("SHA-256").digest(data); // RFC 8463 §3: Ed25519 signs the hash
            s = Signature.getInstance("Ed25519");
        } else {
            s = Signature.getInstance("SHA256withRSA");
        }
        s.initSign(privateKey);
        s.update(data);
        return s.sign();
    }

    /** p=: RSA the DER SubjectPublicKeyInfo (RFC 6376 §3.6.1), Ed25519 the raw 32 bytes (RFC 8463 §4). */
    public String publicKeyBase64() throws GeneralSecurityException {
        byte[] der = PemKeys.publicKey(algorithm, privateKey).getEncoded();
        if (algorithm == Algorithm.ED25519) {
            der = Arrays.copyOfRange(der, der.length - 32, der.length);
        }
        return Base64.getEncoder().encodeToString(der);
    }

    /** Key size in bits, for messages. */
    public int bits() {
        return privateKey instanceof RSAKey r ? r.getModulus().bitLength() : 256;
    }

    /** The TXT record to publish, as a zone file line; strings of at most 255 octets (RFC 1035 §3.3). */
    public String dnsRecord() throws GeneralSecurityException {
        return ZoneText.txt(selector + "._domainkey." + domain, "v=DKIM1; k=" + algorithm.keyType + "; p="
                + publicKeyBase64());
    }
}
