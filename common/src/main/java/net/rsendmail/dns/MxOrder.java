package net.rsendmail.dns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * RFC 5321 §5.1: exchangers by preference, lowest first; "if there are multiple destinations with
 * the same preference ... the SMTP client SHOULD randomize them to spread the load".
 */
public final class MxOrder {
    private MxOrder() {
    }

    public static List<MailExchanger> order(List<MailExchanger> exchangers, Random random) {
        List<MailExchanger> sorted = new ArrayList<>(exchangers);
        sorted.sort(Comparator.comparingInt(MailExchanger::preference));
        List<MailExchanger> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).preference() == sorted.get(i).preference()) {
                j++;
            }
            List<MailExchanger> same = new ArrayList<>(sorted.subList(i, j));
            Collections.shuffle(same, random);
            out.addAll(same);
            i = j;
        }
        return out;
    }
}
