#!/bin/bash
# Smarthost flush (SPEC §2.6, issue 13): how fast "sshsendmail -q" empties a queue through
# real OpenSSH on 127.0.0.1 and this project's rsendmail (one LMTP channel) into a real,
# private Postfix, with the relay handing each message over by
#   sendmail   transport sendmail: Postfix's sendmail(1) run once per message
#   smtp       transport smtp://127.0.0.1:PORT: one SMTP connection to Postfix's smtpd
#              for the whole channel (smtp_tls none: loopback, the TLS cost left out)
# Postfix discards what it receives (discard(8)): the hand-over is measured, not a disk.
#
#   bench/smarthost-flush.sh [MESSAGES [ROUNDS]]     (defaults 1000, 3)
#
# Each round queues MESSAGES for each transport (not timed), then flushes them, the two
# transports in alternating order; prints the median messages/second of each and the
# ratio smtp / sendmail (goal >= 3x), and the median of each round's own ratio (the two
# transports of a round run back to back, so a machine whose speed drifts between rounds
# moves both alike). Needs root (the private Postfix).
set -euo pipefail
N=${1:-1000}
ROUNDS=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
[ "$(id -u)" -eq 0 ] || { echo "needs root (a private Postfix)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/smarthost-flush.XXXXXX")
chmod 755 "$tmp"
sshd_pid=
pf=$tmp/postfix
cleanup() {
    if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; fi
    /usr/sbin/postfix -c "$pf/conf" stop >/dev/null 2>&1 || true
    sleep 0.5
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin"
printf '#!/bin/sh\nexec cat >/dev/null\n' >"$tmp/bin/sendmail"
chmod 755 "$tmp/bin/sendmail"

# --- the private Postfix: smtpd on 127.0.0.1:$smtp_port, pickup for its sendmail, discard
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$pf/conf" "$pf/queue" "$pf/data"
chown postfix "$pf/data"
cat >"$pf/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = smarthost.bench
mydestination =
relayhost =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard
relay_transport = discard
local_transport = discard
maillog_file = $pf/maillog
smtputf8_enable = no
alias_maps =
alias_database =
CONF
{
    for s in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" "qmgr unix n - n 300 1 qmgr" \
        "rewrite unix - - n - - trivial-rewrite" "bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
        "trace unix - - n - 0 bounce" "verify unix - - n - 1 verify" "flush unix n - n 1000? 0 flush" \
        "proxymap unix - - n - - proxymap" "showq unix n - n - - showq" "error unix - - n - - error" \
        "retry unix - - n - - error" "discard unix - - n - - discard" "anvil unix - - n - 1 anvil" \
        "scache unix - - n - 1 scache" "postlog unix-dgram n - n - 1 postlogd" "tlsmgr unix - - n 1000? 1 tlsmgr" \
        "127.0.0.1:$smtp_port inet n - n - - smtpd"; do
        echo "$s"
    done
} >"$pf/conf/master.cf"
/usr/sbin/postfix -c "$pf/conf" start >/dev/null 2>&1
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$pf/conf" >"$tmp/bin/postfix-sendmail"
chmod 755 "$tmp/bin/postfix-sendmail"

. "$(dirname "$0")/relay-sshd.sh"
start_relay_sshd
relay_conf() { # $1 transport line
    printf 'sendmail %s\nlog %s\nstate_dir %s\n%s\n' "$tmp/bin/postfix-sendmail" "$tmp/relay.log" "$tmp/state" "$1" \
        >"$tmp/relay.conf"
}
cat >"$tmp/client.conf" <<CONF
relay $user@127.0.0.1:$port
identity $tmp/key_java
known_hosts $tmp/known_hosts
queue $tmp/queue
domain bench.example
log $tmp/client.log
background no
batch auto
CONF
printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\nMessage-ID: <m@bench.example>\n\n%s\n' \
    "$(head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 72)" >"$tmp/msg"
sleep 0.5

fill() { # $1 count: queue the backlog (not timed), two at a time
    seq "$1" | SSHSENDMAIL_CONF=$tmp/client.conf xargs -P 2 -I{} sh -c \
        "'$dist/bin/sshsendmail' -i -f a@bench.example b@example.org <'$tmp/msg'"
}
now() { date +%s%N; }
flush() { # $1 transport name → prints milliseconds
    local t0 t1 left sent
    : >"$tmp/relay.log"
    t0=$(now)
    SSHSENDMAIL_CONF=$tmp/client.conf "$dist/bin/sshsendmail" -q
    t1=$(now)
    left=$(find "$tmp/queue/queue" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$left" -eq 0 ] || { echo "$1: $left message(s) left in the queue" >&2; tail -5 "$tmp/client.log" >&2; exit 1; }
    sent=$(grep -c 'status=sent' "$tmp/relay.log" || true)
    [ "$sent" -eq "$N" ] || { echo "$1: relay log has $sent deliveries, expected $N" >&2; tail -3 "$tmp/relay.log" >&2; exit 1; }
    echo "$(( (t1 - t0) / 1000000 ))"
}
run() { # $1 name → appends ms to $tmp/ms-$1
    case $1 in
        sendmail) relay_conf "transport sendmail" ;;
        smtp) relay_conf "transport smtp://127.0.0.1:$smtp_port
smtp_tls none" ;;
    esac
    fill "$N"
    flush "$1" >>"$tmp/ms-$1"
}
echo "$ROUNDS rounds of $N messages ($(wc -c <"$tmp/msg") bytes each) per transport ..." >&2
for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then run sendmail; run smtp; else run smtp; run sendmail; fi
    echo "round $r: sendmail $(tail -1 "$tmp/ms-sendmail") ms, smtp $(tail -1 "$tmp/ms-smtp") ms" >&2
done
python3 - "$N" "$tmp/ms-sendmail" "$tmp/ms-smtp" <<'PY'
import statistics, sys
n = int(sys.argv[1])
ms = {name: [int(l) for l in open(f)] for name, f in (("sendmail", sys.argv[2]), ("smtp", sys.argv[3]))}
rate = {k: n / (statistics.median(v) / 1000) for k, v in ms.items()}
print(f"transport sendmail (one sendmail per message)   median {statistics.median(ms['sendmail']) / 1000:7.2f} s  {rate['sendmail']:8.1f} msg/s")
print(f"transport smtp://  (one SMTP connection)        median {statistics.median(ms['smtp']) / 1000:7.2f} s  {rate['smtp']:8.1f} msg/s")
print(f"smtp / sendmail                                 {rate['smtp'] / rate['sendmail']:8.1f}x   (goal >= 3x)")
# the two transports of one round run back to back: their ratio is the one the machine's drift spares
paired = [a / b for a, b in zip(ms['sendmail'], ms['smtp'])]
print(f"smtp / sendmail, median of the rounds' ratios   {statistics.median(paired):8.1f}x   ("
      + ", ".join(f"{r:.2f}" for r in paired) + ")")
PY
