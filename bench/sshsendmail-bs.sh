#!/bin/bash
# sshsendmail -bs (issue 11: messages/s reported): one SMTP session on stdin
# with MESSAGES small messages (default 100), each durably queued (fsync'ed,
# renamed into place) before its 250, the way Symfony Mailer or Laravel hand
# over a batch. Prints the median session time of RUNS runs (default 5) and
# messages/s from it, JVM start-up included.
#
#   bench/sshsendmail-bs.sh [RUNS] [MESSAGES]
#
# "background no": the time is the session's alone, no runner is started.
# The queue is emptied before each run. Use a queue on a real disk ($TMPDIR or
# /var/tmp), not tmpfs, or fsync is free.
set -euo pipefail
RUNS=${1:-${RUNS:-5}}
MESSAGES=${2:-${MESSAGES:-100}}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
command -v hyperfine >/dev/null || { echo "hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/sshsendmail-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/bs.conf" <<CONF
relay bench@127.0.0.1:9
queue $tmp/queue
domain bench.example
log none
background no
CONF
# The whole dialogue in one write: the session reads it as a pipelining client sends it.
{
    printf 'EHLO web1.bench.example\r\n'
    for i in $(seq 1 "$MESSAGES"); do
        printf 'MAIL FROM:<shop@bench.example> BODY=8BITMIME\r\nRCPT TO:<customer%s@example.org>\r\nDATA\r\n' "$i"
        printf 'From: shop@bench.example\r\nTo: customer%s@example.org\r\nSubject: order %s\r\n\r\n' "$i" "$i"
        printf 'Thank you for your order.\r\n..\r\nGr\303\274\303\237e\r\n.\r\n'
    done
    printf 'QUIT\r\n'
} >"$tmp/dialogue"
# a session that queues every message, or no figure at all
"$dist/bin/sshsendmail" -C "$tmp/bs.conf" -bs <"$tmp/dialogue" >"$tmp/replies"
queued=$(grep -c '^250 2.0.0 queued as ' "$tmp/replies" || true)
[ "$queued" = "$MESSAGES" ] || { echo "only $queued of $MESSAGES queued:" >&2; tail -5 "$tmp/replies" >&2; exit 1; }
hyperfine -w 1 -r "$RUNS" --prepare "rm -rf $tmp/queue" \
    -n "sshsendmail -bs, $MESSAGES messages" "$dist/bin/sshsendmail -C $tmp/bs.conf -bs <$tmp/dialogue >/dev/null" \
    --export-json "$tmp/r.json" >&2
python3 - "$tmp/r.json" "$MESSAGES" <<'PY'
import json, statistics, sys
n = int(sys.argv[2])
for r in json.load(open(sys.argv[1]))["results"]:
    med = statistics.median(r["times"])
    print(f"{r['command']}: median {med*1000:7.1f} ms per session, {n/med:6.1f} messages/s "
          f"({med/n*1000:5.2f} ms per message, start-up included), runs {len(r['times'])}")
PY
