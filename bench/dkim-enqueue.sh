#!/bin/bash
# DKIM signing cost on the standalone enqueue (issue 12 goal: under 5 ms added
# on a 5 kB message): "sshsendmail -i RCPT" with "background no", unsigned vs
# with an Ed25519 and with an RSA-2048 key, for 5 kB and 1 MB messages, each
# timed to its exit, through the shipped launcher. Prints the median of each and
# the time DKIM adds. With key files the sendmail call only checks the key and
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
cmds=()
for size in 5000 1000000; do
    for v in none ed rsa; do
        cmds+=(-n "$v-$size" "$dist/bin/sshsendmail -C $tmp/$v.conf -i b@example.org <$tmp/m$size")
    done
done
# through a shell for the redirection (the same small cost in every command)
hyperfine -w 3 -r "$RUNS" "${cmds[@]}" --export-json "$tmp/r.json" >&2
# the runner: each run starts from a queue holding just the one message a sendmail call left
runs=()
for v in none ed rsa; do
    sed "s|^queue .*|queue $tmp/qr-$v|" "$tmp/$v.conf" >"$tmp/r-$v.conf"
    runs+=(-n "$v-5000" --prepare "rm -rf $tmp/qr-$v && $dist/bin/sshsendmail -C $tmp/r-$v.conf -i b@example.org <$tmp/m5000"
        "$dist/bin/sshsendmail -C $tmp/r-$v.conf -q")
done
hyperfine -i -w 2 -r "$RUNS" "${runs[@]}" --export-json "$tmp/q.json" >&2
python3 - "$tmp/r.json" "$tmp/q.json" <<'PY'
import json, statistics, sys
for title, f, sizes in (("sendmail call", sys.argv[1], ("5000", "1000000")), ("runner -q", sys.argv[2], ("5000",))):
    med = {r['command']: statistics.median(r['times']) * 1000 for r in json.load(open(f))["results"]}
    for size in sizes:
        none = med["none-" + size]
        print(f"{title:13} {size:>7} bytes  unsigned {none:7.1f} ms", end="")
        for v in ("ed", "rsa"):
            m = med[v + "-" + size]
            print(f"  {v} {m:7.1f} ms ({m - none:+5.1f})", end="")
        print()
PY
