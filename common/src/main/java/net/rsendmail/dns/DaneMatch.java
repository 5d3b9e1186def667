package net.rsendmail.dns;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * Whether a certificate matches a TLSA record (RFC 6698 §2.1), and which records an SMTP client
 * uses at all (RFC 7672 §3.1: DANE-TA(2) and DANE-EE(3); PKIX-TA(0) and PKIX-EE(1) are unusable).
 */
public final class DaneMatch {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    private DaneMatch() {
    }

    /** Usage 2 or 3, selector 0 (certificate) or 1 (SubjectPublicKeyInfo), matching 0, 1 or 2. */
    public static boolean usable(Tlsa t) {
        return (t.usage() == DANE_TA || t.usage() == DANE_EE) && (t.selector() == 0 || t.selector() == 1)
                && t.matchingType() >= 0 && t.matchingType() <= 2;
    }

    /** The record's association data against {@code cert}: full, SHA-256 or SHA-512 (RFC 6698 §2.1.3). */
    public static boolean matches(Tlsa t, X509Certificate cert) {
        if (!usable(t)) {
            return false;
        }
        byte[] selected;
        try {
            selected = t.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (selected == null) {
            return false;
        }
        byte[] data = switch (t.matchingType()) {
            case 0 -> selected;
            case 1 -> digest("SHA-256", selected);
            default -> digest("SHA-512", selected);
        };
        return MessageDigest.isEqual(data, t.data());
    }

    private static byte[] digest(String algorithm, byte[] b) {
        try {
            return MessageDigest.getInstance(algorithm).digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
