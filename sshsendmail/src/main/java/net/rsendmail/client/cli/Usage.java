package net.rsendmail.client.cli;

/**
 * What {@code sshsendmail --help} prints: every mode, on stdout, exit 0. Usage refusals repeat its
 * first line after theirs.
 */
public final class Usage {
    public static final String TEXT = String.join("\n",
            "usage: sshsendmail [-t] [-i] [-f SENDER] [-F NAME] [-C FILE] [-v] [--] RECIPIENT ...   (sshsendmail --help)",
            "       sshsendmail -bs [-F NAME] [-C FILE] [-v]   (SMTP on stdin/stdout: Symfony Mailer, Laravel)",
            "       sshsendmail -bp [--json] | -q[I|R|S substr] | --daemon | -bi",
            "       sshsendmail --requeue ID ...|ALL | --delete ID ...|ALL | --bounce ID ...|ALL",
            "       sshsendmail --mta=postfix [-V QUEUE_ID] -f SENDER -- RECIPIENT ...   (pipe(8): -V ${queue_id})",
            "       sshsendmail --nullmailer        (as /usr/lib/nullmailer/sshsendmail)",
            "       sshsendmail --dkim-keygen DOMAIN SELECTOR [ed25519|rsa] | --dkim-record DOMAIN SELECTOR",
            "       sshsendmail doctor [--json] [-C FILE] [--egress ADDR]... [-f SENDER] [RECIPIENT ...]",
            "       sshsendmail --help | --version",
            "Send (the default, -bm): the message on stdin is queued, then delivered over SSH.",
            "  -t             recipients from To, Cc and Bcc too (Bcc is removed)",
            "  -i, -oi        a line with a single dot does not end the message",
            "  -f, -r SENDER  envelope sender; <> is the null sender",
            "  -F NAME        full name for the From header added when there is none",
            "  -C FILE        config file (default /etc/sshsendmail.conf, or $SSHSENDMAIL_CONF)",
            "  -v             verbose",
            "  accepted and ignored: -oX, -B TYPE, -N DSN, -R RET, -V ENVID (but see --mta=postfix), -m, -n",
            "Postfix pipe (--mta=postfix): -V ${queue_id} makes Postfix's retries exactly-once (ENVID",
            "  postfix.MACHINE.QUEUE_ID); a sender of MAILER-DAEMON is the null sender.",
            "SMTP (-bs): EHLO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, HELP, QUIT on stdin/stdout; each message",
            "  is queued as above before its 250; several per session.",
            "Queue (run as its owner; root runs them as the owner):",
            "  -bp            list the queue; also as 'mailq'; --json: one object per message, as postqueue -j",
            "  -q             flush: try every queued message now (postqueue -f; -q30m too); exit 75 if",
            "                 some stay deferred",
            "  -qIsubstr      only messages whose queue id contains substr (-qR: a recipient, -qS: the sender)",
            "  --daemon       stay up and deliver as mail comes, over one kept connection; SIGHUP reloads",
            "                 the config, SIGTERM stops within 2 s (exit 0)",
            "  --runner       started by sendmail calls: delivers, stays while mail waits",
            "  --requeue      failed or deferred messages back to the queue, due now (postsuper -r)",
            "  --delete       delete messages (postsuper -d)",
            "  --bounce       return messages to their senders now, with a DSN (5.0.0)",
            "  -bi            newaliases: nothing to do; also as 'newaliases'",
            "Doctor (also --doctor): checks the config and its files, each DKIM key and its DNS record, the",
            "  sender domain's DMARC (and SPF for each --egress address of the relay), and each relay",
            "  (reachable, host key trusted, our key accepted, the key's policy asked about SENDER and",
            "  RECIPIENTs with an LMTP envelope ended by RSET: nothing is sent). PASS/WARN/FAIL a line, with",
            "  the fix; exit 1 on a FAIL. 'doctor' is a mode only as the first word to the name",
            "  sshsendmail; as sendmail it is a recipient.",
            "Log (config 'log'): the journal where journald runs (journalctl -t sshsendmail), else stderr;",
            "  a log that cannot be written stops the delivering modes at start (exit 78).",
            "Exit: 0 done; 64 usage; 65 bad message; 67 unknown recipient or queue id; 69 refused for good;",
            "73/74 queue not writable; 75 try again later (a message being delivered, too); 77 not allowed;",
            "78 configuration (file:line in the message).",
            "");

    /** The first line: what a usage refusal adds after its own. */
    public static final String SYNOPSIS = TEXT.substring(0, TEXT.indexOf('\n'));

    private Usage() {
    }
}
