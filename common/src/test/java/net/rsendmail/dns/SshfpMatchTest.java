package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real keys from ssh-keygen, and the SSHFP records its {@code -r} prints for them. */
class SshfpMatchTest {
    @TempDir
    Path dir;

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A new key; returns the path of its .pub. */
    private Path key(String name, String type, String bits) throws Exception {
        Path k = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "", "-f", k.toString()));
        if (!bits.isEmpty()) {
            cmd.addAll(List.of("-b", bits));
        }
        run(dir, cmd.toArray(String[]::new));
        return Path.of(k + ".pub");
    }

    private static byte[] blob(Path pub) throws IOException {
        return Base64.getDecoder().decode(Files.readString(pub).strip().split(" ")[1]);
    }

    /** What {@code ssh-keygen -r} prints: {@code host IN SSHFP ALG TYPE HEX} lines. */
    private List<Sshfp> records(Path pub) throws Exception {
        List<Sshfp> out = new ArrayList<>();
        for (String line : run(dir, "ssh-keygen", "-r", "relay.example", "-f", pub.toString()).split("\n")) {
            String[] w = line.strip().split(" +");
            assertEquals(List.of("relay.example", "IN", "SSHFP"), List.of(w[0], w[1], w[2]), line);
            out.add(new Sshfp(Integer.parseInt(w[3]), Integer.parseInt(w[4]), HexFormat.of().parseHex(w[5])));
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"ed25519,, 4", "ecdsa, 256, 3", "ecdsa, 384, 3", "ecdsa, 521, 3", "rsa, 3072, 1"})
    void everyRecordSshKeygenPrintsMatchesItsKey(String type, String bits, int algorithm) throws Exception {
        Path pub = key("k", type, bits == null ? "" : bits);
        List<Sshfp> records = records(pub);
        assertEquals(List.of(1, 2), records.stream().map(Sshfp::fingerprintType).toList());
        byte[] blob = blob(pub);
        assertEquals(algorithm, SshfpMatch.algorithm(SshfpMatch.keyType(blob)));
        for (Sshfp r : records) {
            assertEquals(algorithm, r.algorithm());
            assertEquals(new SshfpMatch.Verdict.Match(r), SshfpMatch.match(blob, List.of(r)));
        }
        // another key of the same type published: a mismatch, for either fingerprint type
        Path other = key("other", type, bits == null ? "" : bits);
        assertEquals(new SshfpMatch.Verdict.Mismatch(algorithm, 2), SshfpMatch.match(blob, records(other)));
    }

    @Test
    void recordsOfOtherAlgorithmsOrUnknownFingerprintTypesDoNotCount() throws Exception {
        byte[] ed = blob(key("ed", "ed25519", ""));
        List<Sshfp> rsa = records(key("rsa", "rsa", "2048"));
        assertEquals(new SshfpMatch.Verdict.NoRecord(4), SshfpMatch.match(ed, rsa));
        assertEquals(new SshfpMatch.Verdict.NoRecord(4), SshfpMatch.match(ed, List.of()));
        // fingerprint type 3 is unassigned: ignored even when its bytes are the key's SHA-256
        byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256").digest(ed);
        assertEquals(new SshfpMatch.Verdict.NoRecord(4), SshfpMatch.match(ed, List.of(new Sshfp(4, 3, sha256))));
        assertInstanceOf(SshfpMatch.Verdict.Match.class, SshfpMatch.match(ed, List.of(new Sshfp(4, 2, sha256))));
        // the right fingerprint under the wrong algorithm number is no match
        assertEquals(new SshfpMatch.Verdict.NoRecord(4), SshfpMatch.match(ed, List.of(new Sshfp(1, 2, sha256))));
        // a truncated fingerprint is a mismatch, not a prefix match
        assertEquals(new SshfpMatch.Verdict.Mismatch(4, 1), SshfpMatch.match(ed,
                List.of(new Sshfp(4, 2, java.util.Arrays.copyOf(sha256, 16)))));
    }

    @Test
    void algorithmNumbers() {
        assertEquals(1, SshfpMatch.algorithm("ssh-rsa"));
        assertEquals(2, SshfpMatch.algorithm("ssh-dss"));
        assertEquals(3, SshfpMatch.algorithm("ecdsa-sha2-nistp256"));
        assertEquals(4, SshfpMatch.algorithm("ssh-ed25519"));
        assertEquals(6, SshfpMatch.algorithm("ssh-ed448"));
        assertEquals(0, SshfpMatch.algorithm("ssh-ed25519-cert-v01@openssh.com"));
        assertEquals(0, SshfpMatch.algorithm("rsa-sha2-256"));
    }

    @Test
    void malformedOrUnknownBlobsAreUnsupported() {
        assertInstanceOf(SshfpMatch.Verdict.Unsupported.class, SshfpMatch.match(new byte[0], List.of()));
        assertInstanceOf(SshfpMatch.Verdict.Unsupported.class, SshfpMatch.match(new byte[] {0, 0, 0, 9, 'a'}, List.of()));
        assertInstanceOf(SshfpMatch.Verdict.Unsupported.class, SshfpMatch.match(new byte[] {(byte) 0xff, 0, 0, 1, 'a'},
                List.of()));
        assertInstanceOf(SshfpMatch.Verdict.Unsupported.class, SshfpMatch.match(new byte[] {0, 0, 0, 2, 'a', 10}, List.of()));
        byte[] foo = {0, 0, 0, 7, 's', 's', 'h', '-', 'f', 'o', 'o', 1, 2, 3};
        assertEquals(new SshfpMatch.Verdict.Unsupported("no SSHFP algorithm number for key type ssh-foo"),
                SshfpMatch.match(foo, List.of(new Sshfp(4, 2, new byte[32]))));
    }
}
