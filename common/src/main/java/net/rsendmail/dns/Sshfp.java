package net.rsendmail.dns;

import java.util.HexFormat;

/**
 * An SSHFP record (RFC 4255 §3.1): key algorithm (1 RSA, 2 DSA, 3 ECDSA, 4 Ed25519 RFC 7479,
 * 6 Ed448 RFC 8709), fingerprint type (1 SHA-1, 2 SHA-256 RFC 6594) and the fingerprint.
 */
public record Sshfp(int algorithm, int fingerprintType, byte[] fingerprint) {
    public Sshfp {
        fingerprint = fingerprint.clone();
    }

    @Override
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** As in a zone file: {@code 4 2 9f86…}. */
    @Override
    public String toString() {
        return algorithm + " " + fingerprintType + " " + HexFormat.of().formatHex(fingerprint);
    }
}
