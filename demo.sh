#!/bin/sh
# demo.sh - rsendmail for Java in two minutes, on this machine alone.
#
# Builds the runnable tree if needed (mvn -B -DskipTests package), then in a
# temporary directory: starts a private OpenSSH sshd on 127.0.0.1 and a free
# port, as you (no system file is touched; root is not needed), with an
# authorized_keys line that forces
#     restrict,command=".../bin/rsendmail --config DEMO.conf --policy demo"
# makes the relay's "sendmail" a small script that files each message into a
# Maildir, sends one mail with the real ssh client, shows the delivered file
# and the relay's log line, shows a hostile command being refused, and cleans
# up. KEEP=1 ./demo.sh keeps the temporary directory.
set -eu

here=$(CDPATH= cd -P -- "$(dirname -- "$0")" && pwd -P)
dist=$here/install/target/dist
user=$(id -un)

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -------------------------------------------------------------
missing=
need() { # program, Debian package
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        missing="$missing $2"
        printf 'demo.sh: %s not found (Debian package: %s)\n' "$1" "$2" >&2
    fi
}
sshd_bin=/usr/sbin/sshd
need "$sshd_bin" openssh-server
need ssh openssh-client
need ssh-keygen openssh-client
need java openjdk-17-jre-headless
if [ ! -x "$dist/bin/rsendmail" ]; then
    need mvn maven
    command -v javac >/dev/null 2>&1 || { missing="$missing openjdk-17-jdk-headless"; echo "demo.sh: javac not found (Debian package: openjdk-17-jdk-headless)" >&2; }
fi
if [ -n "$missing" ]; then
    die "install the missing packages first: sudo apt-get install$missing"
fi

if [ ! -x "$dist/bin/rsendmail" ]; then
    say "Building the runnable tree (mvn -B -DskipTests package)"
    (cd "$here" && mvn -B -q -DskipTests package) || die "the build failed"
fi

# --- a private sshd in a temporary directory -----------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsendmail-demo.XXXXXX")
chmod 755 "$tmp"
sshd_pid=
cleanup() {
    if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM

mkdir -p "$tmp/Maildir/new" "$tmp/Maildir/cur" "$tmp/Maildir/tmp" "$tmp/state"
ssh-keygen -q -t ed25519 -N '' -C demo-host -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -C demo-laptop -f "$tmp/laptop_key"

# The relay MTA for the demo: files each message, with its envelope, into a Maildir.
cat >"$tmp/demo-mta" <<MTA
#!/bin/sh
# demo MTA, called by rsendmail as: demo-mta -oi -f SENDER -- RCPT...
sender=
while [ \$# -gt 0 ]; do
    case \$1 in
        -oi) shift ;;
        -f) sender=\$2; shift 2 ;;
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

[policy demo]
senders alice@example.org
header_from_match yes
recipients @example.org @example.net
max_size 1M
max_recipients 10
CONF

printf 'restrict,command="%s --config %s --policy demo" %s\n' \
    "$dist/bin/rsendmail" "$tmp/rsendmail.conf" "$(cat "$tmp/laptop_key.pub")" >"$tmp/authorized_keys"

if [ "$(id -u)" = 0 ]; then
    mkdir -p /run/sshd # privilege separation directory
    permit_root=forced-commands-only
else
    permit_root=no
fi

port=
for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$(awk -v s="$$$attempt" 'BEGIN { srand(s); print 20000 + int(rand() * 40000) }')
    cat >"$tmp/sshd_config" <<SSHD
Port $candidate
ListenAddress 127.0.0.1
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
AuthorizedPrincipalsFile none
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin $permit_root
AllowUsers $user
UsePAM no
StrictModes no
PermitUserEnvironment no
PermitTTY no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
UseDNS no
LogLevel VERBOSE
SSHD
    : >"$tmp/sshd.log"
    "$sshd_bin" -D -e -f "$tmp/sshd_config" >>"$tmp/sshd.log" 2>&1 </dev/null &
    sshd_pid=$!
    i=0
    while [ $i -lt 100 ]; do
        if grep -q 'Server listening' "$tmp/sshd.log"; then port=$candidate; break 2; fi
        kill -0 "$sshd_pid" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
    kill "$sshd_pid" 2>/dev/null || true
    sshd_pid=
done
[ -n "$port" ] || { cat "$tmp/sshd.log" >&2; die "sshd did not start"; }
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/host_key.pub")" >"$tmp/known_hosts"

say "A private sshd listens on 127.0.0.1:$port (as $user), with this authorized_keys line:"
sed 's/\(ssh-ed25519 [A-Za-z0-9+/]\{12\}\)[A-Za-z0-9+/=]*/\1.../' "$tmp/authorized_keys"

relay_ssh() { # the real ssh client, with the demo key; the remote command is the client's request
    ssh -F /dev/null -T -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none \
        -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
        -i "$tmp/laptop_key" -p "$port" "$user@127.0.0.1" "$@"
}

# --- one mail -------------------------------------------------------------------
cat >"$tmp/message" <<'MSG'
From: Alice <alice@example.org>
To: Bob <bob@example.org>
Subject: Hello through rsendmail
Date: Thu, 01 Jan 2026 12:00:00 +0000
Message-ID: <demo@example.org>

Hi Bob,

this message went over SSH to a key that can do one thing only.

Alice
MSG

say "Sending: ssh relay rsendmail -f alice@example.org -- bob@example.org carol@example.net < message"
set +e
relay_ssh rsendmail -f alice@example.org -- bob@example.org carol@example.net <"$tmp/message" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
cat "$tmp/out" "$tmp/err"
echo "exit code: $rc (nothing printed: success)"
[ "$rc" = 0 ] || { echo "--- sshd log:"; cat "$tmp/sshd.log"; die "the send failed"; }

say "Delivered into $tmp/Maildir/new:"
for f in "$tmp"/Maildir/new/*; do
    echo "--- $(basename "$f")"
    cat "$f"
done

say "The relay's log line ($tmp/rsendmail.log):"
cat "$tmp/rsendmail.log"

# --- the sending side: sshsendmail, a sendmail-compatible program with a queue ---
cat >"$tmp/sshsendmail.conf" <<CONF
relay $user@127.0.0.1:$port
identity $tmp/laptop_key
known_hosts $tmp/known_hosts
queue $tmp/queue
log $tmp/sshsendmail.log
background no
CONF
cat >"$tmp/message2" <<'MSG'
From: Alice <alice@example.org>
To: Carol <carol@example.net>
Bcc: bob@example.org
Subject: Hello through sshsendmail

Queued on the laptop, delivered over SSH.
MSG
before=$(ls "$tmp/Maildir/new" | wc -l)
say "sshsendmail as the laptop's sendmail: sshsendmail -t -i < message (queues it, exit 0)"
"$dist/bin/sshsendmail" -C "$tmp/sshsendmail.conf" -t -i <"$tmp/message2" || die "sshsendmail could not queue"
"$dist/bin/sshsendmail" -C "$tmp/sshsendmail.conf" -bp
say "sshsendmail -q: deliver the queue over SSH"
"$dist/bin/sshsendmail" -C "$tmp/sshsendmail.conf" -q || die "the queue run failed"
"$dist/bin/sshsendmail" -C "$tmp/sshsendmail.conf" -bp
after=$(ls "$tmp/Maildir/new" | wc -l)
[ "$after" -eq $((before + 1)) ] || { cat "$tmp/sshsendmail.log" >&2; die "sshsendmail's mail did not arrive"; }
say "Delivered by sshsendmail (Bcc removed, Date and Message-ID added):"
for f in $(ls -t "$tmp"/Maildir/new/* | head -n 1); do
    echo "--- $(basename "$f")"
    cat "$f"
done

# --- refused requests -----------------------------------------------------------
say "A hostile request: ssh relay rsendmail -bp   (list the MTA's queue)"
set +e
relay_ssh rsendmail -bp </dev/null 2>"$tmp/err"
rc=$?
set -e
echo "stderr: $(cat "$tmp/err")"
echo "exit code: $rc (64 = EX_USAGE)"

say "A request outside the key's policy: ssh relay rsendmail -f mallory@example.net -- bob@example.org"
set +e
relay_ssh rsendmail -f mallory@example.net -- bob@example.org <"$tmp/message" 2>"$tmp/err"
rc=$?
set -e
echo "stderr: $(cat "$tmp/err")"
echo "exit code: $rc (77 = EX_NOPERM)"

say "Log lines of the refusals:"
tail -n 2 "$tmp/rsendmail.log"
echo
echo "Messages delivered: $(ls "$tmp/Maildir/new" | wc -l) (the refused ones sent nothing). Cleaning up."
