package net.rsendmail.dns;

import java.util.List;

/** Where mail for a domain goes (RFC 5321 §5.1, RFC 7505), from its MX records or their absence. */
public sealed interface MailRoute {
    /**
     * The hosts to try, in order: by preference, equal preferences shuffled. {@code implicit}: the
     * domain has no MX but an address, so it is its own exchanger at preference 0 (RFC 5321 §5.1).
     */
    record Exchangers(List<MailExchanger> hosts, boolean secure, boolean implicit) implements MailRoute {
        public Exchangers {
            hosts = List.copyOf(hosts);
        }
    }

    /** A null MX ({@code 0 .}, RFC 7505 §3): the domain accepts no mail; fail at once, permanently. */
    record NullMx(boolean secure) implements MailRoute {
    }

    /** No route: the domain does not exist, has neither MX nor address, or the lookup failed. */
    record NoRoute(Answer<?> why) implements MailRoute {
    }
}
