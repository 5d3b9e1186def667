#!/bin/sh
# demo.sh - rsendmail for Java in two minutes, on this machine alone.
#
# Needs only Java 17 (a JDK) and Maven: no sshd, no OpenSSH at all, no root.
# Builds the runnable tree if needed (mvn -B -q -DskipTests package), then in a
# temporary directory, as you:
#   - starts "rsendmail serve", the relay's embedded SSH server, on 127.0.0.1
#     and a free port, with an authorized_keys line that names the key's policy:
#         restrict,command=".../bin/rsendmail --policy demo" ssh-ed25519 AAAA... demo-laptop
#   - makes the relay's "sendmail" a small script that files each message into
#     a Maildir;
#   - checks the set-up with "sshsendmail doctor" (nothing is sent);
#   - queues mails with sshsendmail (the sending machine's sendmail) and
#     delivers them over SSH with "sshsendmail -q";
#   - shows the delivered files, the relay's log lines and a mail outside the
#     key's policy being refused by the relay (and bounced by sshsendmail);
#   - if the OpenSSH client "ssh" happens to be installed, also shows a
#     hostile command being refused (skipped with a line otherwise);
#   - stops the server, waits for it, and removes the temporary directory.
# KEEP=1 ./demo.sh keeps the temporary directory.
set -eu

here=$(CDPATH= cd -P -- "$(dirname -- "$0")" && pwd -P)
dist=$here/install/target/dist

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -------------------------------------------------------------
missing=
command -v java >/dev/null 2>&1 || { missing="$missing openjdk-17-jdk-headless"; echo "demo.sh: java not found" >&2; }
command -v javac >/dev/null 2>&1 || { missing="$missing openjdk-17-jdk-headless"; echo "demo.sh: javac not found (a JDK is needed)" >&2; }
if [ ! -x "$dist/bin/rsendmail" ] && ! command -v mvn >/dev/null 2>&1; then
    missing="$missing maven"
    echo "demo.sh: mvn not found" >&2
fi
[ -z "$missing" ] || die "install the missing packages first: sudo apt-get install$missing"

if [ ! -x "$dist/bin/rsendmail" ]; then
    say "Building the runnable tree (mvn -B -q -DskipTests package)"
    (cd "$here" && mvn -B -q -DskipTests package) || die "the build failed"
fi

# --- a temporary directory; the server is stopped and awaited on every exit ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsendmail-demo.XXXXXX")
serve_pid=
stop_serve() {
    [ -n "$serve_pid" ] || return 0
    kill "$serve_pid" 2>/dev/null || true
    set +e
    wait "$serve_pid"
    serve_rc=$?
    set -e
    serve_pid=
}
cleanup() {
    stop_serve
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

mkdir -p "$tmp/Maildir/new" "$tmp/Maildir/cur" "$tmp/Maildir/tmp" "$tmp/state"

# The laptop's key, made with the SSH library the tree ships (no ssh-keygen needed):
# an OpenSSH ed25519 private key, mode 0600, and its .pub line.
cat >"$tmp/KeyGen.java" <<'JAVA'
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

public class KeyGen {
    public static void main(String[] a) throws Exception {
        KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path key = Path.of(a[0]);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream o = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, a[1], null, o);
        }
        try (OutputStream o = Files.newOutputStream(Path.of(a[0] + ".pub"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(kp.getPublic(), a[1], o);
        }
    }
}
JAVA
java -cp "$dist/lib/*" "$tmp/KeyGen.java" "$tmp/laptop_key" demo-laptop >"$tmp/keygen.out" 2>&1 \
    || { cat "$tmp/keygen.out" >&2; die "could not make the demo key"; }

# The relay MTA for the demo: files each message, with its envelope, into a Maildir.
cat >"$tmp/demo-mta" <<MTA
#!/bin/sh
# demo MTA, called by rsendmail as: demo-mta -oi -f SENDER -- RCPT...
sender=
while [ \$# -gt 0 ]; do
    case \$1 in
        -oi) shift ;;
        -f) sender=\${2#<}; sender=\${sender%>}; shift 2 ;;
        --) shift; break ;;
        *) echo "demo-mta: unexpected \$1" >&2; exit 64 ;;
    esac
done
umask 077
name=\$(date +%s).\$\$.demo
{
    printf 'Return-Path: <%s>\n' "\$sender"
    for r in "\$@"; do printf 'X-Envelope-To: <%s>\n' "\$r"; done
    cat
} >"$tmp/Maildir/tmp/\$name" || exit 75
mv "$tmp/Maildir/tmp/\$name" "$tmp/Maildir/new/\$name"
MTA
chmod 755 "$tmp/demo-mta"

cat >"$tmp/rsendmail.conf" <<CONF
# demo relay configuration
sendmail $tmp/demo-mta
log $tmp/rsendmail.log
state_dir $tmp/state
spool_dir $tmp

# rsendmail serve: port 0 lets the kernel pick a free port (the log line names it)
listen 127.0.0.1:0
host_key $tmp/host_key
authorized_keys $tmp/authorized_keys

[policy demo]
senders alice@example.org
recipients @example.org @example.net
max_size 1M
max_recipients 10
CONF

printf 'restrict,command="%s --policy demo" %s\n' "$dist/bin/rsendmail" "$(cat "$tmp/laptop_key.pub")" \
    >"$tmp/authorized_keys"

# --- rsendmail serve ------------------------------------------------------------
say "Starting: rsendmail serve --config $tmp/rsendmail.conf"
"$dist/bin/rsendmail" serve --config "$tmp/rsendmail.conf" >"$tmp/serve.out" 2>&1 </dev/null &
serve_pid=$!
port=
i=0
while [ $i -lt 600 ]; do
    port=$(sed -n 's/.*serve: listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$tmp/rsendmail.log" 2>/dev/null | head -n 1)
    [ -z "$port" ] || break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$tmp/serve.out" >&2; serve_pid=; die "rsendmail serve did not start"; }
    sleep 0.1
    i=$((i + 1))
done
[ -n "$port" ] || { cat "$tmp/serve.out" >&2; die "rsendmail serve did not start within a minute"; }
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/host_key.pub")" >"$tmp/known_hosts"
cat "$tmp/rsendmail.log"
echo "authorized_keys:"
sed 's/\(ssh-ed25519 [A-Za-z0-9+/]\{12\}\)[A-Za-z0-9+/=]*/\1.../' "$tmp/authorized_keys"

# --- the sending side: sshsendmail, a sendmail-compatible program with a queue ---
cat >"$tmp/sshsendmail.conf" <<CONF
relay rsendmail@127.0.0.1:$port
identity $tmp/laptop_key
known_hosts $tmp/known_hosts
queue $tmp/queue
log $tmp/sshsendmail.log
background no
CONF
sshsendmail() { "$dist/bin/sshsendmail" -C "$tmp/sshsendmail.conf" "$@"; }

cat >"$tmp/message1" <<'MSG'
From: Alice <alice@example.org>
To: Bob <bob@example.org>
Subject: Hello through rsendmail serve
Date: Thu, 01 Jan 2026 12:00:00 +0000
Message-ID: <demo@example.org>

Hi Bob,

this message went over SSH to a key that can do one thing only.

Alice
MSG
cat >"$tmp/message2" <<'MSG'
From: Alice <alice@example.org>
To: Carol <carol@example.net>
Bcc: bob@example.org
Subject: Hello through sshsendmail

Queued on the laptop, delivered over SSH.
MSG

say "Checking the set-up first: sshsendmail doctor -f alice@example.org bob@example.org carol@example.net"
"$dist/bin/sshsendmail" doctor -C "$tmp/sshsendmail.conf" -f alice@example.org bob@example.org carol@example.net \
    || die "sshsendmail doctor found a problem"
say "Queueing: sshsendmail -f alice@example.org -- bob@example.org carol@example.net < message1"
sshsendmail -f alice@example.org -- bob@example.org carol@example.net <"$tmp/message1" || die "sshsendmail could not queue"
say "Queueing: sshsendmail -t -i < message2   (recipients from the headers)"
sshsendmail -t -i <"$tmp/message2" || die "sshsendmail could not queue"
sshsendmail -bp
say "sshsendmail -q: deliver the queue over SSH to rsendmail serve"
sshsendmail -q || { cat "$tmp/sshsendmail.log" >&2; die "the queue run failed"; }
sshsendmail -bp
[ "$(ls "$tmp/Maildir/new" | wc -l)" -eq 2 ] || { cat "$tmp/sshsendmail.log" "$tmp/rsendmail.log" >&2; die "the mails did not arrive"; }

say "Delivered into $tmp/Maildir/new (message2: Bcc removed, Date and Message-ID added):"
for f in $(ls -tr "$tmp"/Maildir/new/*); do
    echo "--- $(basename "$f")"
    cat "$f"
done

say "The relay's log lines ($tmp/rsendmail.log): one per message, one per SSH session"
cat "$tmp/rsendmail.log"

# --- refused requests -----------------------------------------------------------
cat >"$tmp/message3" <<'MSG'
From: Alice <alice@example.org>
To: Eve <eve@example.com>
Subject: outside the policy

The demo key may send to @example.org and @example.net only.
MSG
before=$(wc -l <"$tmp/rsendmail.log")
say "A mail outside the key's policy: sshsendmail -f alice@example.org -- eve@example.com; sshsendmail -q"
sshsendmail -f alice@example.org -- eve@example.com <"$tmp/message3" || die "sshsendmail could not queue"
sshsendmail -q || { cat "$tmp/sshsendmail.log" >&2; die "the queue run failed"; }
echo "sshsendmail's log: the relay refused it, so it bounced it to Alice (the bounce went through the relay):"
tail -n 2 "$tmp/sshsendmail.log"
echo "the relay's log:"
tail -n "+$((before + 1))" "$tmp/rsendmail.log"
[ "$(ls "$tmp/Maildir/new" | wc -l)" -eq 3 ] || die "the bounce did not arrive"
bounce=$(ls -t "$tmp"/Maildir/new/* | head -n 1)
echo "--- the bounce in the Maildir, its first lines:"
sed -n '1,12p' "$bounce"

if command -v ssh >/dev/null 2>&1; then
    before=$(wc -l <"$tmp/rsendmail.log")
    say "A hostile request with the OpenSSH client: ssh relay rsendmail -bp   (list the MTA's queue)"
    set +e
    ssh -F /dev/null -T -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
        -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
        -i "$tmp/laptop_key" -p "$port" rsendmail@127.0.0.1 rsendmail -bp </dev/null 2>"$tmp/err"
    rc=$?
    set -e
    echo "stderr: $(cat "$tmp/err")"
    echo "exit code: $rc (64 = EX_USAGE)"
    echo "the relay's log says:"
    tail -n "+$((before + 1))" "$tmp/rsendmail.log"
else
    say "Skipped: a hostile command with the OpenSSH client (ssh is not installed)"
fi

# --- stop the server ------------------------------------------------------------
say "Stopping rsendmail serve (SIGTERM) and waiting for it"
stop_serve
echo "rsendmail serve exited with $serve_rc (143: ended by SIGTERM)"
tail -n 1 "$tmp/rsendmail.log"
echo
echo "Messages delivered: $(ls "$tmp/Maildir/new" | wc -l): two mails and one bounce; nothing for eve@example.com. Cleaning up."
