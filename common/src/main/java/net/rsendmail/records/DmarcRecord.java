package net.rsendmail.records;

import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 §6.3), the TXT at {@code _dmarc.DOMAIN}: the policy, the
 * subdomain policy, the alignment modes and whether aggregate reports are asked for.
 */
public sealed interface DmarcRecord permits DmarcRecord.Policy, DmarcRecord.Invalid {

    enum Disposition { NONE, QUARANTINE, REJECT }

    /** {@code strict}: the identifier must equal the From domain; relaxed: the same organizational domain. */
    record Policy(Disposition p, Disposition sp, boolean strictDkim, boolean strictSpf, int pct,
                  Optional<String> rua) implements DmarcRecord {
    }

    record Invalid(String reason) implements DmarcRecord {
    }

    static DmarcRecord parse(String txt) {
        TagList.Parsed parsed = TagList.parse(txt);
        if (parsed instanceof TagList.Parsed.Bad b) {
            return new Invalid(b.reason());
        }
        TagList tags = ((TagList.Parsed.Ok) parsed).list();
        // §6.4: v=DMARC1 first, then p= (a record without p= is ignored unless rua is given: §6.6.3)
        if (!tags.firstTag().orElse("").equals("v") || !tags.get("v").orElse("").equals("DMARC1")) {
            return new Invalid("it must start with v=DMARC1");
        }
        Optional<Disposition> p = tags.keyword("p").flatMap(DmarcRecord::disposition);
        if (p.isEmpty()) {
            return new Invalid(tags.get("p").isPresent() ? "p= must be none, quarantine or reject" : "no p= tag");
        }
        Optional<Disposition> sp = tags.get("sp").isPresent() ? tags.keyword("sp").flatMap(DmarcRecord::disposition)
                : p;
        if (sp.isEmpty()) {
            return new Invalid("sp= must be none, quarantine or reject");
        }
        Optional<Boolean> adkim = alignment(tags, "adkim");
        Optional<Boolean> aspf = alignment(tags, "aspf");
        if (adkim.isEmpty() || aspf.isEmpty()) {
            return new Invalid("adkim= and aspf= must be r or s");
        }
        int pct = 100;
        if (tags.get("pct").isPresent()) {
            String v = tags.get("pct").get();
            if (!v.matches("[0-9]{1,3}") || Integer.parseInt(v) > 100) {
                return new Invalid("pct= must be 0 to 100");
            }
            pct = Integer.parseInt(v);
        }
        return new Policy(p.get(), sp.get(), adkim.get(), aspf.get(), pct, tags.get("rua"));
    }

    private static Optional<Disposition> disposition(String v) {
        switch (v) {
            case "none": return Optional.of(Disposition.NONE);
            case "quarantine": return Optional.of(Disposition.QUARANTINE);
            case "reject": return Optional.of(Disposition.REJECT);
            default: return Optional.empty();
        }
    }

    /** Present and r: relaxed (false); s: strict (true); absent: relaxed; anything else: empty. */
    private static Optional<Boolean> alignment(TagList tags, String tag) {
        Optional<String> v = tags.keyword(tag);
        if (v.isEmpty() || v.get().equals("r")) {
            return Optional.of(false);
        }
        return v.get().equals("s") ? Optional.of(true) : Optional.empty();
    }
}
