package net.rsendmail.dns;

import java.util.HexFormat;

/** A TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type, association data. */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
    public Tlsa {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** As in a zone file: {@code 3 1 1 0c72…}. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }
}
