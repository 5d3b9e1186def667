#!/bin/bash
# sshsendmail standalone enqueue (SPEC §6: median under 100 ms): the time from
# starting "sshsendmail -i RCPT" with a small message on stdin until it exits 0
# with the mail durably queued (fsync'ed, renamed into place).
#
#   bench/sshsendmail-enqueue.sh [RUNS]        (default 30)
#
# Variants (hyperfine, same run):
#   enqueue        "background no": only the enqueue (what a caller waits for when
#                  the daemon delivers)
#   enqueue+spawn  the default: enqueue, then start the detached background runner
#                  (the relay is unreachable here, so the runners give up quickly;
#                  they still compete for the CPU with the next runs)
# The launcher uses lib/sshsendmail.jsa (application class-data sharing) when it
# exists; this script makes one with a training run if it is missing.
# Use a queue on a real disk ($TMPDIR or /var/tmp), not tmpfs, or fsync is free.
set -euo pipefail
RUNS=${1:-${RUNS:-30}}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
command -v hyperfine >/dev/null || { echo "hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/sshsendmail-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id" && : >"$tmp/known_hosts"  # a complete config, or it is refused (78)
cat >"$tmp/a.conf" <<CONF
relay bench@127.0.0.1:$port
identity $tmp/id
known_hosts $tmp/known_hosts
queue $tmp/queue-a
domain bench.example
log none
background no
CONF
cat >"$tmp/b.conf" <<CONF
relay bench@127.0.0.1:$port
identity $tmp/id
known_hosts $tmp/known_hosts
queue $tmp/queue-b
domain bench.example
log none
connect_timeout 1s
CONF
printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\n\nhello\n' >"$tmp/msg"
if [ ! -f "$dist/lib/sshsendmail.jsa" ]; then
    echo "making $dist/lib/sshsendmail.jsa (training run)" >&2
    SSHSENDMAIL_JAVA_OPTS="-XX:ArchiveClassesAtExit=$dist/lib/sshsendmail.jsa" \
        "$dist/bin/sshsendmail" -C "$tmp/a.conf" -i b@example.org <"$tmp/msg" 2>/dev/null || true
fi
hyperfine -w 3 -r "$RUNS" \
    -n enqueue "$dist/bin/sshsendmail -C $tmp/a.conf -i b@example.org <$tmp/msg" \
    -n enqueue+spawn "$dist/bin/sshsendmail -C $tmp/b.conf -i b@example.org <$tmp/msg" \
    --export-json "$tmp/r.json" >&2
python3 - "$tmp/r.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:14s} median {statistics.median(r['times'])*1000:6.1f} ms  "
          f"mean {r['mean']*1000:6.1f} ms  min {r['min']*1000:6.1f} ms  runs {len(r['times'])}")
PY
