#!/bin/bash
# DKIM signing cost on the standalone enqueue (issue 12 goal: under 5 ms added
# on a 5 kB message): "sshsendmail -i RCPT" with "background no", unsigned vs
# with an Ed25519 and with an RSA-2048 key, for 5 kB and 1 MB messages, each
# timed to its exit, through the shipped launcher, in interleaved rounds. Prints
# the median of each and the time DKIM adds (median of the per-round differences). With key files the sendmail call only checks the key and
# leaves the message in the maildrop; the runner signs it as it picks it up, so
# the second table times that runner: "sshsendmail -q" taking in and attempting
# one 5 kB message (the relay port is closed), unsigned vs signed.
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
# The sendmail calls run in rounds, each round one call of every variant in a rotating order,
# so a load that comes and goes on the machine falls on all variants alike; the added time is
# the median of the per-round differences (signed minus unsigned), beside the plain medians.
python3 - "$RUNS" "$tmp" "$dist/bin/sshsendmail" >"$tmp/calls.txt" <<'PY'
import statistics, subprocess, sys, time
runs, tmp, sendmail = int(sys.argv[1]), sys.argv[2], sys.argv[3]
variants = ("none", "ed", "rsa")
def call(v, size):
    with open(f"{tmp}/m{size}", "rb") as m:
        t0 = time.perf_counter()
        rc = subprocess.run([sendmail, "-C", f"{tmp}/{v}.conf", "-i", "b@example.org"], stdin=m).returncode
        dt = (time.perf_counter() - t0) * 1000
    if rc != 0:
        sys.exit(f"{v}-{size}: exit {rc}")
    return dt
for size in ("5000", "1000000"):
    for v in variants * 2:  # warm-up: page cache, CDS archive
        call(v, size)
    t = {v: [] for v in variants}
    for r in range(runs):
        for i in range(len(variants)):
            v = variants[(r + i) % len(variants)]
            t[v].append(call(v, size))
    none = statistics.median(t["none"])
    line = f"sendmail call {size:>7} bytes  unsigned {none:7.1f} ms"
    for v in ("ed", "rsa"):
        added = statistics.median([a - b for a, b in zip(t[v], t["none"])])
        line += f"  {v} {statistics.median(t[v]):7.1f} ms ({added:+5.1f})"
    print(line + f"   [{runs} rounds]")
PY
# the runner: each run starts from a queue holding just the one message a sendmail call left
runs=()
for v in none ed rsa; do
    sed "s|^queue .*|queue $tmp/qr-$v|" "$tmp/$v.conf" >"$tmp/r-$v.conf"
    runs+=(-n "$v-5000" --prepare "rm -rf $tmp/qr-$v && $dist/bin/sshsendmail -C $tmp/r-$v.conf -i b@example.org <$tmp/m5000"
        "$dist/bin/sshsendmail -C $tmp/r-$v.conf -q")
done
hyperfine -i -w 2 -r "$RUNS" "${runs[@]}" --export-json "$tmp/q.json" >&2
cat "$tmp/calls.txt"
python3 - "$tmp/q.json" <<'PY'
import json, statistics, sys
for title, f, sizes in (("runner -q", sys.argv[1], ("5000",)),):
    med = {r['command']: statistics.median(r['times']) * 1000 for r in json.load(open(f))["results"]}
    for size in sizes:
        none = med["none-" + size]
        print(f"{title:13} {size:>7} bytes  unsigned {none:7.1f} ms", end="")
        for v in ("ed", "rsa"):
            m = med[v + "-" + size]
            print(f"  {v} {m:7.1f} ms ({m - none:+5.1f})", end="")
        print()
PY
