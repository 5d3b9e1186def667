package net.rsendmail.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TagListTest {
    private static TagList ok(String s) {
        return assertInstanceOf(TagList.Parsed.Ok.class, TagList.parse(s)).list();
    }

    @Test
    void whitespaceAroundTagsAndValuesAndATrailingSemicolonAreAllowed() {
        TagList t = ok(" v = DKIM1 ;\tk=rsa; p = AB CD ;");
        assertEquals(Optional.of("DKIM1"), t.get("v"));
        assertEquals(Optional.of("rsa"), t.get("k"));
        assertEquals(Optional.of("AB CD"), t.get("p"));
        assertEquals(Optional.of("v"), t.firstTag());
        assertEquals(Optional.empty(), t.get("x"));
        assertEquals(Optional.of("reject"), ok("p=REJECT").keyword("p"));
        assertEquals(Optional.of(""), ok("p=").get("p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=1; v=2", "novalue", "v=1;;p=2", "1v=x", "v-x=1", "=x", "p=a\u0000b", "p=\u00e9",
            "p=a\nb", " ; "})
    void malformedListsAreRefusedWithAReason(String s) {
        TagList.Parsed p = TagList.parse(s);
        assertInstanceOf(TagList.Parsed.Bad.class, p, s);
        assertEquals(false, ((TagList.Parsed.Bad) p).reason().isBlank());
    }

    @Test
    void anEmptyListHasNoTags() {
        assertEquals(Optional.empty(), ok("").firstTag());
    }
}
