package net.rsendmail.it;

import java.nio.file.Path;

/**
 * A test certificate authority made with Debian's {@code openssl} in a temporary directory: its
 * certificate ({@link #caCert}), server certificates it signs for 127.0.0.1 (and localhost), and a
 * self-signed certificate that no trust store knows. Keys are PKCS#8 PEM, unencrypted.
 */
public final class TestCa {
    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA in {@code dir} (EC P-256 keys, valid for a day). */
    public static TestCa create(Path dir) {
        TestCa ca = new TestCa(dir);
        ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca.file("ca.key"), "-out", ca.file("ca.pem"), "-days", "1", "-subj", "/CN=rsendmail test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    /** A key and a certificate signed by this CA for {@code 127.0.0.1} and {@code localhost}: {key, cert}. */
    public Path[] server(String name) {
        return server(name, "localhost");
    }

    /** A key and a certificate signed by this CA for {@code 127.0.0.1} and the host names given: {key, cert}. */
    public Path[] server(String name, String... hosts) {
        String key = file(name + ".key");
        String csr = file(name + ".csr");
        String cert = file(name + ".pem");
        StringBuilder san = new StringBuilder("IP:127.0.0.1");
        for (String h : hosts) {
            san.append(",DNS:").append(h);
        }
        Path ext = Files2.write(dir.resolve(name + ".ext"),
                "subjectAltName=" + san + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
                "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", csr, "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial",
                "-days", "1", "-extfile", ext.toString(), "-out", cert);
        return new Path[] {Path.of(key), Path.of(cert)};
    }

    /** A self-signed key and certificate for {@code 127.0.0.1}, signed by nobody anyone trusts: {key, cert}. */
    public Path[] selfSigned(String name) {
        String key = file(name + ".key");
        String cert = file(name + ".pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", cert, "-days", "1", "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        return new Path[] {Path.of(key), Path.of(cert)};
    }

    /**
     * The SHA-256 of the certificate's SubjectPublicKeyInfo, in hex, as openssl computes it: the
     * data of a {@code 3 1 1} TLSA record (RFC 6698 §2.1, RFC 7672 §3.1.1).
     */
    public String spkiSha256(Path cert) {
        return Proc.check(dir, "/bin/sh", "-c", "/usr/bin/openssl x509 -in \"$1\" -noout -pubkey"
                + " | /usr/bin/openssl pkey -pubin -outform DER | /usr/bin/openssl dgst -sha256 -r", "sh", cert.toString())
                .out().split(" ")[0].strip();
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private void openssl(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "/usr/bin/openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Proc.check(dir, cmd);
    }
}
