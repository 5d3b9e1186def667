#!/bin/bash
# DKIM signing cost on the standalone enqueue (issue 12 goal: under 5 ms added
# on a 5 kB message): "sshsendmail -i RCPT" with "background no", unsigned vs
# signed with an Ed25519 and with an RSA-2048 key, for 5 kB and 1 MB messages.
# Prints the median of each and the time signing adds.
#
#   bench/dkim-enqueue.sh [RUNS]        (default 30)
#
# Use a queue on a real disk ($TMPDIR or /var/tmp), not tmpfs, or fsync is free.
set -euo pipefail
RUNS=${1:-${RUNS:-30}}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/sshsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
command -v hyperfine >/dev/null || { echo "hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/dkim-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ssh-keygen -q -t ed25519 -N '' -f "$tmp/id" && : >"$tmp/known_hosts"  # a complete config, or it is refused (78)
base="relay bench@127.0.0.1:9\nidentity $tmp/id\nknown_hosts $tmp/known_hosts\ndomain bench.example\nlog none\nbackground no\n"
printf "${base}queue $tmp/q-none\n" >"$tmp/none.conf"
printf "${base}queue $tmp/q-ed\ndkim bench.example ed $tmp/ed.pem\n" >"$tmp/ed.conf"
printf "${base}queue $tmp/q-rsa\ndkim bench.example rsa $tmp/rsa.pem\n" >"$tmp/rsa.conf"
"$dist/bin/sshsendmail" -C "$tmp/ed.conf" --dkim-keygen bench.example ed ed25519 >/dev/null
"$dist/bin/sshsendmail" -C "$tmp/rsa.conf" --dkim-keygen bench.example rsa rsa >/dev/null
for size in 5000 1000000; do
    { printf 'From: a@bench.example\nTo: b@example.org\nSubject: bench\n\n'
      python3 -c "import sys; l='x'*72+'\n'; sys.stdout.write((l*($size//73+1))[:$size])"; } >"$tmp/m$size"
done
cmds=()
for size in 5000 1000000; do
    for v in none ed rsa; do
        cmds+=(-n "$v-$size" "$dist/bin/sshsendmail -C $tmp/$v.conf -i b@example.org <$tmp/m$size")
    done
done
hyperfine -N -w 3 -r "$RUNS" "${cmds[@]}" --export-json "$tmp/r.json" >&2 2>/dev/null || \
    hyperfine -w 3 -r "$RUNS" "${cmds[@]}" --export-json "$tmp/r.json" >&2
python3 - "$tmp/r.json" <<'PY'
import json, statistics, sys
med = {r['command']: statistics.median(r['times']) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
for size in ("5000", "1000000"):
    none = med["none-" + size]
    print(f"{size:>7} bytes  unsigned {none:7.1f} ms", end="")
    for v in ("ed", "rsa"):
        m = med[v + "-" + size]
        print(f"  {v} {m:7.1f} ms (+{m - none:5.1f})", end="")
    print()
PY
