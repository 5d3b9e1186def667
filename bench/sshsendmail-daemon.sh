#!/bin/bash
# sshsendmail daemon: idle memory and delivery latency (SPEC §6), against a private
# OpenSSH sshd on 127.0.0.1 whose authorized_keys forces this project's rsendmail
# in front of a stub sendmail that records when it is called (the hand-over).
#
#   bench/sshsendmail-daemon.sh [MESSAGES]        (default 30)
#
# Prints:
#   idle RSS      resident memory of the daemon's JVM after idle_timeout, when it has
#                 closed its SSH connection (SPEC: under 64 MiB)
#   latency       per message, from "sendmail" exiting (mail queued) to the relay
#                 handing it to its sendmail, daemon warm (one message at a time); a
#                 negative value: the daemon handed it over before the sendmail
#                 process had finished exiting (its JVM's teardown)
#   ssh+python    the same message through "ssh relay rsendmail -f … -- …" with
#                 OpenSSH and the Python rsendmail 1.1.4 as forced command, from
#                 starting ssh to the hand-over (the caller waits for all of it)
#   ssh+java      the same with this project's rsendmail as forced command
# The daemon runs with SSHSENDMAIL_JAVA_OPTS from the environment, by default the
# ones the shipped systemd unit (install/src/dist/etc/sshsendmail.service) sets, read
# from it, and the launcher's own flags for --daemon.
set -euo pipefail
N=${1:-${MESSAGES:-30}}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/sshsendmail-daemon.XXXXXX")
sshd_pid=
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
    if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; fi
    sleep 0.5
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin"
# the hand-over: one timestamp line per message
cat >"$tmp/bin/sendmail" <<STUB
#!/bin/sh
date +%s%N >>$tmp/handover
exec cat >/dev/null
STUB
chmod 755 "$tmp/bin/sendmail"
. "$(dirname "$0")/relay-sshd.sh"
start_relay_sshd
cat >"$tmp/sshsendmail.conf" <<CONF
relay $user@127.0.0.1:$port
identity $tmp/key_java
known_hosts $tmp/known_hosts
queue $tmp/queue
domain bench.example
log $tmp/client.log
idle_timeout 5s
CONF
export SSHSENDMAIL_CONF=$tmp/sshsendmail.conf
unit_opts=$(sed -n 's/^Environment="SSHSENDMAIL_JAVA_OPTS=\(.*\)"$/\1/p' "$root/install/src/dist/etc/sshsendmail.service")
[ -n "$unit_opts" ] || { echo "no SSHSENDMAIL_JAVA_OPTS in sshsendmail.service" >&2; exit 1; }
export SSHSENDMAIL_JAVA_OPTS=${SSHSENDMAIL_JAVA_OPTS:-$unit_opts}
sleep 0.5
printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\n\nhello\n' >"$tmp/msg"

"$dist/bin/sshsendmail" --daemon </dev/null >/dev/null 2>>"$tmp/daemon.err" &
daemon_pid=$!
for _ in $(seq 100); do grep -q "daemon started" "$tmp/client.log" 2>/dev/null && break; sleep 0.1; done

handovers() { [ -f "$tmp/handover" ] && wc -l <"$tmp/handover" || echo 0; }
await() { for _ in $(seq 600); do [ "$(handovers)" -ge "$1" ] && return 0; sleep 0.005; done; echo "no hand-over" >&2; exit 1; }
now() { date +%s%N; }

# warm-up: the daemon connects, loads its classes, JIT
for i in 1 2 3; do "$dist/bin/sshsendmail" -i b@example.org <"$tmp/msg"; await $i; done
: >"$tmp/lat-daemon"; : >"$tmp/lat-total"
for i in $(seq "$N"); do
    want=$(( $(handovers) + 1 ))
    t0=$(now)
    "$dist/bin/sshsendmail" -i b@example.org <"$tmp/msg"
    t1=$(now)
    await "$want"
    t2=$(tail -1 "$tmp/handover")
    echo $(( (t2 - t1) / 1000 )) >>"$tmp/lat-daemon"
    echo $(( (t2 - t0) / 1000 )) >>"$tmp/lat-total"
done

# idle: after idle_timeout the daemon closes the connection and stops the SSH client
sleep 8
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null || echo 0)
jpid=$(pgrep -P "$daemon_pid" java || true)
[ "$rss" = 0 ] && [ -n "$jpid" ] && rss=$(awk '/VmRSS/ {print $2}' "/proc/$jpid/status")

ssh_run() { # $1 key
    local want=$(( $(handovers) + 1 )) t0 t2
    t0=$(now)
    ssh -F /dev/null -T -o BatchMode=yes -o UserKnownHostsFile="$tmp/known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$1" -p "$port" -l "$user" \
        127.0.0.1 "rsendmail -f a@bench.example -- b@example.org" <"$tmp/msg"
    await "$want"
    t2=$(tail -1 "$tmp/handover")
    echo $(( (t2 - t0) / 1000 ))
}
: >"$tmp/lat-python"; : >"$tmp/lat-java"
for i in 1 2; do ssh_run "$tmp/key_python" >/dev/null; ssh_run "$tmp/key_java" >/dev/null; done
for i in $(seq "$N"); do
    ssh_run "$tmp/key_python" >>"$tmp/lat-python"
    ssh_run "$tmp/key_java" >>"$tmp/lat-java"
done

python3 - "$tmp" "$rss" "$N" <<'PY'
import statistics, sys, os
tmp, rss, n = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def med(name):
    v = [int(x) / 1000 for x in open(os.path.join(tmp, name)) if x.strip()]
    return f"median {statistics.median(v):7.1f} ms  (min {min(v):6.1f}, max {max(v):7.1f}, n={len(v)})"
print(f"daemon idle RSS        {rss / 1024:6.1f} MiB")
print(f"daemon: exit→hand-over {med('lat-daemon')}")
print(f"daemon: start→hand-over {med('lat-total')}")
print(f"ssh + python rsendmail {med('lat-python')}")
print(f"ssh + java rsendmail   {med('lat-java')}")
PY
