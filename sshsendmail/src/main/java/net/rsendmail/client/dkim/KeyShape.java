package net.rsendmail.client.dkim;

import java.util.Arrays;

/**
 * What a key's DER says without the JDK's parsers: the algorithm and, for RSA, the modulus size.
 * The sendmail call checks its keys this way when it leaves the signing to the pickup: loading
 * the providers and parsing with them costs a fresh JVM some 20 ms, more than the whole enqueue.
 * Structures: RSAPrivateKey (RFC 8017 §A.1.2), PrivateKeyInfo (RFC 5208 §5), Ed25519's
 * CurvePrivateKey (RFC 8410 §7), in DER (X.690 §8.1: tag, length, contents).
 */
final class KeyShape {
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int SEQUENCE = 0x30;

    record Shape(DkimKey.Algorithm algorithm, int bits) {
    }

    private KeyShape() {
    }

    static Shape of(PemKeys.Pem pem, String what) throws KeyProblem {
        try {
            Der top = new Der(pem.der(), 0, pem.der().length);
            Der key = top.next(SEQUENCE); // bytes after it: the JDK ignores them, so do we
            if (pem.pkcs1()) {
                return rsa(key);
            }
            key.next(INTEGER); // version: 0, or 1 with a public key (RFC 5958 §2)
            if (key.skip(PemKeys.RSA_ALGORITHM)) {
                Der rsa = key.next(OCTET_STRING);
                Shape s = rsa(rsa.next(SEQUENCE));
                rsa.requireEnd();
                return s;
            }
            if (key.skip(PemKeys.ED25519_ALGORITHM)) {
                Der outer = key.next(OCTET_STRING);
                Der seed = outer.next(OCTET_STRING);
                outer.requireEnd();
                if (seed.length() != 32) {
                    throw new Bad("an Ed25519 key of " + seed.length() + " bytes, not 32");
                }
                return new Shape(DkimKey.Algorithm.ED25519, 256);
            }
            throw new Bad("neither rsaEncryption nor id-Ed25519");
        } catch (Bad e) {
            throw PemKeys.unusable(what, e.getMessage());
        }
    }

    /** RSAPrivateKey: version, modulus, publicExponent and the six private parts, all INTEGERs. */
    private static Shape rsa(Der k) throws Bad {
        k.next(INTEGER);
        int bits = k.next(INTEGER).unsignedBits();
        for (int i = 0; i < 7; i++) {
            k.next(INTEGER);
        }
        return new Shape(DkimKey.Algorithm.RSA, bits);
    }

    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message, null, false, false);
        }
    }

    /** The contents {@code b[from, end)} of one element, read element by element. */
    private static final class Der {
        private final byte[] b;
        private final int end;
        private int p;

        Der(byte[] b, int from, int end) {
            this.b = b;
            this.p = from;
            this.end = end;
        }

        int length() {
            return end - p;
        }

        /** The next element, which must have {@code tag}: its contents. */
        Der next(int tag) throws Bad {
            if (end - p < 2 || (b[p] & 0xff) != tag) {
                throw new Bad("unexpected DER at offset " + p);
            }
            int q = p + 2;
            int len = b[p + 1] & 0xff;
            if (len > 0x7f) { // long form: this many length octets follow
                int n = len & 0x7f;
                if (n == 0 || n > 3 || end - q < n) {
                    throw new Bad("bad DER length at offset " + p);
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = len << 8 | b[q++] & 0xff;
                }
            }
            if (len > end - q) {
                throw new Bad("DER element at offset " + p + " runs past its end (truncated)");
            }
            p = q + len;
            return new Der(b, q, q + len);
        }

        /** Steps over the next element if it is exactly {@code tlv}. */
        boolean skip(byte[] tlv) {
            if (end - p < tlv.length || !Arrays.equals(b, p, p + tlv.length, tlv, 0, tlv.length)) {
                return false;
            }
            p += tlv.length;
            return true;
        }

        void requireEnd() throws Bad {
            if (p != end) {
                throw new Bad("data after the key at offset " + p);
            }
        }

        /** Bits of a non-negative INTEGER's contents. */
        int unsignedBits() throws Bad {
            int i = p;
            while (i < end && b[i] == 0) {
                i++;
            }
            if (p == end || (b[p] & 0x80) != 0) {
                throw new Bad("a negative or empty RSA modulus");
            }
            return i == end ? 0 : (end - i) * 8 - Integer.numberOfLeadingZeros(b[i] & 0xff) + 24;
        }
    }
}
