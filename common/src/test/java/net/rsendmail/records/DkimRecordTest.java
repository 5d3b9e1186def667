package net.rsendmail.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DkimRecordTest {
    private static String rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    }

    @Test
    void anRsaRecordGivesItsSize() throws Exception {
        String p = rsa(2048);
        DkimRecord.Key k = assertInstanceOf(DkimRecord.Key.class, DkimRecord.parse("v=DKIM1; k=rsa; p=" + p));
        assertEquals("rsa", k.type());
        assertEquals(2048, k.bits());
        assertEquals(p, k.publicKeyBase64());
        assertEquals(false, k.testing());
        // k= defaults to rsa; folded base64 (spaces from joined strings) is one key; t=y is test mode
        String folded = p.substring(0, 100) + " " + p.substring(100);
        DkimRecord.Key f = assertInstanceOf(DkimRecord.Key.class, DkimRecord.parse("p=" + folded + "; t=s:y"));
        assertEquals(p, f.publicKeyBase64());
        assertTrue(f.testing());
        assertEquals(1024, assertInstanceOf(DkimRecord.Key.class, DkimRecord.parse("p=" + rsa(1024))).bits());
    }

    @Test
    void anEd25519RecordIsTheRaw32ByteKey() throws Exception {
        byte[] spki = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        String raw = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        DkimRecord.Key k = assertInstanceOf(DkimRecord.Key.class, DkimRecord.parse("v=DKIM1; k=ed25519; p=" + raw));
        assertEquals(256, k.bits());
        // the whole SubjectPublicKeyInfo is a common mistake
        String whole = Base64.getEncoder().encodeToString(spki);
        assertTrue(assertInstanceOf(DkimRecord.Invalid.class, DkimRecord.parse("k=ed25519; p=" + whole)).reason()
                .contains("32 bytes"));
    }

    @Test
    void anEmptyPIsARevokedKey() {
        assertInstanceOf(DkimRecord.Revoked.class, DkimRecord.parse("v=DKIM1; p="));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=DKIM2; p=AAAA", "k=rsa; v=DKIM1; p=AAAA", "v=DKIM1; k=rsa", "p=!!!!",
            "k=dsa; p=AAAA", "p=AAAA", "v=DKIM1; p=AAAA; p=BBBB", "v=spf1 -all", "p=QUJD"})
    void everythingElseIsInvalidWithAReason(String txt) {
        DkimRecord r = DkimRecord.parse(txt);
        assertInstanceOf(DkimRecord.Invalid.class, r, txt);
    }
}
