package net.rsendmail.client.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Reads one private key in PEM (RFC 7468): {@code PRIVATE KEY} (PKCS#8, RSA or Ed25519) or
 * {@code RSA PRIVATE KEY} (PKCS#1). Anything else, text around the block, PEM headers (an
 * encrypted key) or a non-base64 line is refused. The DER itself is parsed by the JDK.
 */
final class PemKeys {
    /** Far more than an 8192-bit key needs. */
    static final int MAX_TEXT = 16 * 1024;

    /** DER of AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /** DER of AlgorithmIdentifier id-Ed25519 (1.3.101.112, RFC 8410 §3), as PKCS#8 puts it at offset 5. */
    static final byte[] ED25519_ALGORITHM = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

    record Parsed(DkimKey.Algorithm algorithm, PrivateKey privateKey) {
    }

    /** The DER inside the block: PKCS#1 RSAPrivateKey when {@code pkcs1}, else PKCS#8 PrivateKeyInfo. */
    record Pem(boolean pkcs1, byte[] der) {
    }

    private PemKeys() {
    }

    static Parsed parse(byte[] bytes, String what) throws KeyProblem {
        Pem pem = read(bytes, what);
        byte[] der = pem.der();
        try {
            if (pem.pkcs1()) {
                return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8OfRsa(der))), what);
            }
            if (isEd25519(der)) { // the algorithm picks the parser: no failed RSA parse first, no exception
                return new Parsed(DkimKey.Algorithm.ED25519,
                        KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
            }
            return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), what);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unusable(what, e.getMessage());
        }
    }

    static KeyProblem unusable(String what, String why) {
        return new KeyProblem(what + ": not a usable RSA or Ed25519 private key (" + why + ")");
    }

    /** The PEM block's DER, without parsing it. */
    static Pem read(byte[] bytes, String what) throws KeyProblem {
        if (bytes.length > MAX_TEXT) {
            throw new KeyProblem(what + ": " + bytes.length + " bytes is too long for a PEM private key");
        }
        for (byte b : bytes) {
            if (b < 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t')) {
                throw new KeyProblem(what + ": not a PEM private key (binary data; DER keys must be converted"
                        + " with 'openssl pkey -in KEY -out KEY.pem')");
            }
        }
        List<String> lines = new String(bytes, StandardCharsets.US_ASCII).strip().lines().map(String::strip).toList();
        if (lines.isEmpty()) {
            throw new KeyProblem(what + ": empty; expected a PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        String begin = lines.get(0);
        String label = begin.startsWith("-----BEGIN ") && begin.endsWith("-----")
                ? begin.substring(11, begin.length() - 5) : null;
        if (label == null) {
            throw new KeyProblem(what + ": not a PEM private key (it must start with -----BEGIN PRIVATE KEY-----"
                    + " or -----BEGIN RSA PRIVATE KEY-----)");
        }
        if (label.equals("ENCRYPTED PRIVATE KEY")) {
            throw new KeyProblem(what + ": the key is encrypted; store it unencrypted (mode 0600) or have"
                    + " dkim_command print it decrypted");
        }
        if (!label.equals("PRIVATE KEY") && !label.equals("RSA PRIVATE KEY")) {
            throw new KeyProblem(what + ": a PEM '" + label + "' block; expected PRIVATE KEY (PKCS#8) or"
                    + " RSA PRIVATE KEY (PKCS#1)");
        }
        if (!lines.get(lines.size() - 1).equals("-----END " + label + "-----")) {
            throw new KeyProblem(what + ": the PEM block does not end with -----END " + label
                    + "----- (truncated, or text after the key)");
        }
        StringBuilder b64 = new StringBuilder();
        for (String l : lines.subList(1, lines.size() - 1)) {
            if (l.contains(":")) {
                throw new KeyProblem(what + ": the key has PEM headers (" + l + "): an encrypted key; store it"
                        + " unencrypted or have dkim_command print it decrypted");
            }
            if (!l.chars().allMatch(PemKeys::isBase64)) {
                throw new KeyProblem(what + ": not base64 inside the PEM block");
            }
            b64.append(l);
        }
        try {
            return new Pem(label.equals("RSA PRIVATE KEY"), Base64.getDecoder().decode(b64.toString()));
        } catch (IllegalArgumentException e) {
            throw new KeyProblem(what + ": bad base64 inside the PEM block (" + e.getMessage() + ")");
        }
    }

    /** RFC 4648 §4 alphabet and pad (a regular expression per line costs a fresh JVM a millisecond). */
    private static boolean isBase64(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=';
    }

    /** PKCS#8 (RFC 5208 §5): SEQUENCE { INTEGER version, AlgorithmIdentifier, ... } with a short outer length. */
    private static boolean isEd25519(byte[] der) {
        if (der.length < 5 + ED25519_ALGORITHM.length || der[0] != 0x30 || (der[1] & 0x80) != 0
                || der[2] != 0x02 || der[3] != 0x01) {
            return false;
        }
        return java.util.Arrays.equals(der, 5, 5 + ED25519_ALGORITHM.length, ED25519_ALGORITHM, 0,
                ED25519_ALGORITHM.length);
    }

    private static Parsed rsa(PrivateKey k, String what) throws KeyProblem {
        if (!(k instanceof RSAPrivateCrtKey)) {
            throw new KeyProblem(what + ": an RSA key without its public exponent; export it again with openssl");
        }
        return new Parsed(DkimKey.Algorithm.RSA, k);
    }

    /**
     * The public half, for the DNS record only (signing never needs it: deriving an Ed25519 public
     * key costs a scalar multiplication). RSA from the CRT key's modulus and exponent; Ed25519 by
     * key generation from the same 32-byte seed (RFC 8032 §5.1.5), which the JDK 17 cannot do directly.
     */
    static PublicKey publicKey(DkimKey.Algorithm algorithm, PrivateKey k) throws GeneralSecurityException {
        if (algorithm == DkimKey.Algorithm.RSA) {
            RSAPrivateCrtKey c = (RSAPrivateCrtKey) k;
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(c.getModulus(), c.getPublicExponent()));
        }
        byte[] seed = ((EdECPrivateKey) k).getBytes().orElseThrow(() -> new GeneralSecurityException("no key bytes"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(255, new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(seed, 0, out, 0, Math.min(seed.length, out.length));
            }
        });
        return g.generateKeyPair().getPublic();
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey (RFC 5208 §5), for the JDK's parser. */
    static byte[] pkcs8OfRsa(byte[] pkcs1) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        inner.writeBytes(RSA_ALGORITHM);
        inner.write(0x04);
        inner.writeBytes(length(pkcs1.length));
        inner.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(inner.size()));
        out.writeBytes(inner.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}; // MAX_TEXT keeps it below 64 kB
    }
}
