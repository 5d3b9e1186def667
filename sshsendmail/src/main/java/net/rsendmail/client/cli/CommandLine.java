package net.rsendmail.client.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What the caller asked for (SPEC §3.1).
 *
 * @param sender            envelope sender from -f/-r; null when not given, "" for the null sender
 * @param fullName          -F NAME, or null
 * @param extractRecipients -t
 * @param ignoreDots        -i/-oi: a line with a single dot does not end the message
 * @param config            -C FILE, or null
 * @param recipients        the words after the options, as given (checked later)
 * @param selector          for {@link Mode#FLUSH}: which messages ({@code -qI}, {@code -qR}, {@code -qS}), else ALL
 * @param envid             -V ENVID, or null: for {@link Mode#POSTFIX} Postfix's queue id, the rest of the ENVID
 *                          given to the relay; the other modes ignore it
 * @param json              --json: machine-readable output (doctor)
 * @param egress            --egress ADDR (doctor): the relay's outgoing addresses, for the SPF check
 */
public record CommandLine(Mode mode, String sender, String fullName, boolean extractRecipients,
                          boolean ignoreDots, Path config, List<String> recipients, boolean verbose,
                          QueueSelector selector, String envid, boolean json, List<InetAddress> egress) {

    /** What the program does this time. */
    public enum Mode {
        /** Standalone sendmail (-bm, the default): queue the message, exit 0, deliver. */
        SEND,
        /** -bs: SMTP on stdin/stdout, each message queued as by SEND. */
        SMTP,
        /** -bp: list the queue. */
        LIST,
        /** -bp --json: the queue as one JSON object per message, as Postfix's postqueue -j. */
        LIST_JSON,
        /** -q: attempt every queued message (or the selected ones) now, once. */
        FLUSH,
        /** --daemon: stay up and deliver. */
        DAEMON,
        /** --runner: started by sendmail calls; delivers, and stays while mail waits in the queue. */
        RUNNER,
        /** -bi: newaliases; nothing to do. */
        NEWALIASES,
        /** --mta=postfix: a Postfix pipe(8) transport, synchronous. */
        POSTFIX,
        /** --nullmailer: a nullmailer 2 protocol module. */
        NULLMAILER,
        /** --version. */
        VERSION,
        /** --help: {@link Usage#TEXT} on stdout. */
        HELP,
        /** --requeue ID…|ALL: back to the queue, due now (the words follow as recipients()). */
        REQUEUE,
        /** --delete ID…|ALL. */
        DELETE,
        /** --bounce ID…|ALL: returned to the sender now with a DSN. */
        BOUNCE,
        /** --dkim-keygen DOMAIN SELECTOR [ed25519|rsa]: the words follow as recipients(). */
        DKIM_KEYGEN,
        /** --dkim-record DOMAIN SELECTOR. */
        DKIM_RECORD,
        /** --doctor [-f SENDER] [RCPT…] ({@code sshsendmail doctor}): check the set-up, send nothing. */
        DOCTOR
    }

    public CommandLine {
        recipients = List.copyOf(recipients);
        egress = List.copyOf(egress);
    }

    /**
     * One message of an SMTP session (-bs), queued as by SEND with this envelope; -F, -C and -v
     * stay. As -i: the end of DATA is already found, a "." line is the message's own.
     */
    public CommandLine forMessage(String envelopeSender, List<String> envelopeRecipients) {
        return new CommandLine(Mode.SEND, envelopeSender, fullName, false, true, config, envelopeRecipients, verbose,
                QueueSelector.ALL, null, false, List.of());
    }
}
