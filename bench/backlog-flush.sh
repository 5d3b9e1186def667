#!/bin/bash
# Backlog flush (SPEC §2.5, §3.3): how fast "sshsendmail -q" empties a queue through
# real OpenSSH on 127.0.0.1, against a private sshd whose authorized_keys forces this
# project's rsendmail in front of a stub sendmail ("exec cat >/dev/null").
#
#   bench/backlog-flush.sh [BATCH_MESSAGES [PLAIN_MESSAGES [PYTHON_MESSAGES]]]
#                                              (defaults 1000, 100, 100)
#
# Prints messages/second for
#   batch        sshsendmail -q, batch auto: one SSH session, one "rsendmail --lmtp"
#                channel for the whole backlog (BATCH_MESSAGES queued beforehand)
#   plain        sshsendmail -q with "batch no": one session, one exec channel (one
#                relay process) per message (PLAIN_MESSAGES queued beforehand)
#   ssh+python   one "ssh relay rsendmail -f … -- …" per message, OpenSSH client and
#                the Python rsendmail 1.1.4 as forced command (PYTHON_MESSAGES of
#                them, timed, the rate extrapolated to any backlog)
# and the ratio batch / ssh+python. Queueing is not timed.
set -euo pipefail
NB=${1:-1000}
NP=${2:-100}
NY=${3:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/backlog-flush.XXXXXX")
sshd_pid=
cleanup() {
    if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; fi
    sleep 0.5
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin"
cat >"$tmp/bin/sendmail" <<'STUB'
#!/bin/sh
exec cat >/dev/null
STUB
chmod 755 "$tmp/bin/sendmail"
. "$(dirname "$0")/relay-sshd.sh"
start_relay_sshd
conf() { # $1 name, $2 extra line
    cat >"$tmp/$1.conf" <<CONF
relay $user@127.0.0.1:$port
identity $tmp/key_java
known_hosts $tmp/known_hosts
queue $tmp/queue-$1
domain bench.example
log $tmp/client-$1.log
background no
$2
CONF
}
conf batch "batch auto"
conf plain "batch no"
printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\nMessage-ID: <m@bench.example>\n\n%s\n' \
    "$(head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 72)" >"$tmp/msg"
sleep 0.5

fill() { # $1 name, $2 count: queue the backlog (not timed), two at a time
    seq "$2" | SSHSENDMAIL_CONF=$tmp/$1.conf xargs -P 2 -I{} sh -c \
        "'$dist/bin/sshsendmail' -i -f a@bench.example b@example.org <'$tmp/msg'"
    local n
    n=$(find "$tmp/queue-$1/queue" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$n" -eq "$2" ] || { echo "queued $n of $2" >&2; exit 1; }
}
now() { date +%s%N; }
flush() { # $1 name, $2 count → prints seconds
    local t0 t1 left
    t0=$(now)
    SSHSENDMAIL_CONF=$tmp/$1.conf "$dist/bin/sshsendmail" -q
    t1=$(now)
    left=$(find "$tmp/queue-$1/queue" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$left" -eq 0 ] || { echo "$1: $left message(s) left in the queue" >&2; tail -5 "$tmp/client-$1.log" >&2; exit 1; }
    echo "$(( (t1 - t0) / 1000000 ))"
}
echo "queueing $NB + $NP messages ($(wc -c <"$tmp/msg") bytes each) ..." >&2
fill batch "$NB"
fill plain "$NP"
ms_batch=$(flush batch "$NB")
lmtp_lines=$(grep -c 'mode=lmtp.*status=sent' "$tmp/relay.log" || true)
[ "$lmtp_lines" -eq "$NB" ] || { echo "relay log: $lmtp_lines LMTP deliveries, expected $NB" >&2; exit 1; }
ms_plain=$(flush plain "$NP")

ssh_one() {
    ssh -F /dev/null -T -o BatchMode=yes -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$tmp/key_python" -p "$port" \
        -l "$user" 127.0.0.1 "rsendmail -f a@bench.example -- b@example.org" <"$tmp/msg" 2>/dev/null
}
ssh_one # warm-up
t0=$(now)
for _ in $(seq "$NY"); do ssh_one; done
t1=$(now)
ms_python=$(( (t1 - t0) / 1000000 ))

python3 - "$NB" "$ms_batch" "$NP" "$ms_plain" "$NY" "$ms_python" <<'PY'
import sys
nb, mb, np_, mp, ny, my = map(int, sys.argv[1:])
rb, rp, ry = nb / (mb / 1000), np_ / (mp / 1000), ny / (my / 1000)
print(f"batch (LMTP, one channel)     {nb:5d} msgs in {mb / 1000:7.2f} s  {rb:8.1f} msg/s")
print(f"plain (one channel per msg)   {np_:5d} msgs in {mp / 1000:7.2f} s  {rp:8.1f} msg/s")
print(f"ssh + python, one per msg     {ny:5d} msgs in {my / 1000:7.2f} s  {ry:8.1f} msg/s"
      f"  (extrapolated: {nb} would take {nb / ry:6.1f} s)")
print(f"batch / ssh+python            {rb / ry:8.1f}x   (goal >= 20x)")
print(f"batch / plain                 {rb / rp:8.1f}x")
PY
