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
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    record Parsed(DkimKey.Algorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
    }

    private PemKeys() {
    }

    static Parsed parse(byte[] bytes, String what) throws KeyProblem {
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
            if (!l.matches("[A-Za-z0-9+/=]*")) {
                throw new KeyProblem(what + ": not base64 inside the PEM block");
            }
            b64.append(l);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw new KeyProblem(what + ": bad base64 inside the PEM block (" + e.getMessage() + ")");
        }
        try {
            if (label.equals("RSA PRIVATE KEY")) {
                return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8OfRsa(der))), what);
            }
            try {
                return rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), what);
            } catch (GeneralSecurityException notRsa) {
                return ed25519(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyProblem(what + ": not a usable RSA or Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    private static Parsed rsa(PrivateKey k, String what) throws GeneralSecurityException, KeyProblem {
        if (!(k instanceof RSAPrivateCrtKey c)) {
            throw new KeyProblem(what + ": an RSA key without its public exponent; export it again with openssl");
        }
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(c.getModulus(),
                c.getPublicExponent()));
        return new Parsed(DkimKey.Algorithm.RSA, k, pub);
    }

    /** The JDK 17 cannot derive an Ed25519 public key; key generation from the same 32-byte seed does (RFC 8032 §5.1.5). */
    static Parsed ed25519(PrivateKey k) throws GeneralSecurityException {
        byte[] seed = ((EdECPrivateKey) k).getBytes().orElseThrow(() -> new GeneralSecurityException("no key bytes"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(255, new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] out) {
                System.arraycopy(seed, 0, out, 0, Math.min(seed.length, out.length));
            }
        });
        return new Parsed(DkimKey.Algorithm.ED25519, k, g.generateKeyPair().getPublic());
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
