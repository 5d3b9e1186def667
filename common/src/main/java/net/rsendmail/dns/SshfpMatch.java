package net.rsendmail.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Matches an SSH host key against SSHFP records (RFC 4255 §3.1): the fingerprint is the SHA-1
 * (type 1) or SHA-256 (type 2, RFC 6594) of the key blob of RFC 4253 §6.6, for records whose
 * algorithm number is the key's. Records of other algorithms or unknown fingerprint types are
 * ignored, as ssh(1) does.
 */
public final class SshfpMatch {
    /** The outcome for one key. */
    public sealed interface Verdict {
        /** A record of the key's algorithm has its fingerprint. */
        record Match(Sshfp record) implements Verdict {
        }

        /** Records of the key's algorithm exist, none with its fingerprint: another key is published. */
        record Mismatch(int algorithm, int records) implements Verdict {
        }

        /** No record (with a fingerprint type we know) for the key's algorithm. */
        record NoRecord(int algorithm) implements Verdict {
        }

        /** The key's type has no SSHFP algorithm number, or the blob is malformed. */
        record Unsupported(String why) implements Verdict {
        }
    }

    private SshfpMatch() {
    }

    /** The SSHFP algorithm number of an SSH key type name, or 0 when it has none. */
    public static int algorithm(String keyType) {
        switch (keyType) {
            case "ssh-rsa": return 1;
            case "ssh-dss": return 2;
            case "ecdsa-sha2-nistp256": case "ecdsa-sha2-nistp384": case "ecdsa-sha2-nistp521": return 3;
            case "ssh-ed25519": return 4;
            case "ssh-ed448": return 6;
            default: return 0;
        }
    }

    /** The key type named at the start of a key blob (RFC 4253 §6.6: string "ssh-..."), or null. */
    public static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return null;
        }
        long len = ((blob[0] & 0xffL) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        if (len < 1 || len > 64 || 4 + len > blob.length) {
            return null;
        }
        for (int i = 4; i < 4 + len; i++) {
            if (blob[i] < 0x21 || blob[i] > 0x7e) {
                return null;
            }
        }
        return new String(blob, 4, (int) len, StandardCharsets.US_ASCII);
    }

    public static Verdict match(byte[] keyBlob, List<Sshfp> records) {
        String type = keyType(keyBlob);
        if (type == null) {
            return new Verdict.Unsupported("malformed key blob");
        }
        int algorithm = algorithm(type);
        if (algorithm == 0) {
            return new Verdict.Unsupported("no SSHFP algorithm number for key type " + type);
        }
        int candidates = 0;
        for (Sshfp r : records) {
            String digest = digest(r.fingerprintType());
            if (r.algorithm() != algorithm || digest == null) {
                continue;
            }
            candidates++;
            if (MessageDigest.isEqual(hash(digest, keyBlob), r.fingerprint())) {
                return new Verdict.Match(r);
            }
        }
        return candidates == 0 ? new Verdict.NoRecord(algorithm) : new Verdict.Mismatch(algorithm, candidates);
    }

    private static String digest(int fingerprintType) {
        return fingerprintType == 1 ? "SHA-1" : fingerprintType == 2 ? "SHA-256" : null;
    }

    private static byte[] hash(String digest, byte[] data) {
        try {
            return MessageDigest.getInstance(digest).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + digest, e); // both are required of every JDK
        }
    }
}
