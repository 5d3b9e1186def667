#!/bin/bash
# Cron-minute burst (issue 16): SENDERS senders connect at once, each handing
# over MSGS messages one after another with the OpenSSH client
# ("ssh relay rsendmail -f … -- …", plain mode), through
#   serve    rsendmail serve (one JVM, every session in-process)
#   java     a private OpenSSH sshd forcing this project's rsendmail (a JVM per message)
#   python   the same sshd forcing the Debian package's Python rsendmail
# in one run, in front of a stub sendmail that stores every message. Prints,
# for each: messages/s, p50/p99 time from start to exit 0 of one hand-over,
# failed hand-overs (non-zero exit: the sender keeps the mail), lost and
# duplicated messages (by Message-ID, counted in what the stub stored), and the
# relay's peak RSS (serve: VmHWM; sshd: the largest sum of RSS over sshd and
# everything under it, sampled every 50 ms). Then serve / java.
#
#   bench/serve-burst.sh [SENDERS [MSGS]]      (defaults 200 5)
#   RELAYS="serve java" bench/serve-burst.sh   only these (default: all three)
#
# Needs openssh-server, openssh-client, rsendmail (Debian), python3.
set -euo pipefail
SENDERS=${1:-200}
MSGS=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/rsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/serve-burst.XXXXXX")
sshd_pid=
serve_pid=
cleanup() {
    for p in $sshd_pid $serve_pid; do kill "$p" 2>/dev/null || true; done
    for p in $sshd_pid $serve_pid; do wait "$p" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/out"
cat >"$tmp/bin/sendmail" <<STUB
#!/bin/sh
exec cat >"\$(mktemp "$tmp/out/m.XXXXXXXX")"
STUB
chmod 755 "$tmp/bin/sendmail"
MAXSTARTUPS=$((SENDERS + 10))
. "$(dirname "$0")/relay-sshd.sh"
start_relay_sshd

. "$(dirname "$0")/relay-serve.sh"
start_serve "$tmp/key_java" $((SENDERS * 2))

now() { date +%s%N; }
# peak of the summed RSS (KiB) of $1 and its descendants, until $2 disappears
rss_sampler() {
    python3 - "$1" "$2" <<'PY'
import os, sys, time
root, flag = int(sys.argv[1]), sys.argv[2]
peak = 0
while os.path.exists(flag):
    kids, rss = {}, {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/status') as f:
                st = dict(l.split(':', 1) for l in f if ':' in l)
            kids.setdefault(int(st['PPid']), []).append(int(p))
            rss[int(p)] = int(st.get('VmRSS', '0 kB').split()[0])
        except (OSError, KeyError, ValueError):
            pass
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += kids.get(p, [])
    peak = max(peak, total)
    time.sleep(0.05)
print(peak)
PY
}
# a burst: $1 name, $2 key, $3 port, $4 relay pid → writes $tmp/$1.times, $tmp/$1.secs, $tmp/$1.rss
burst() {
    local name=$1 key=$2 p=$3 pid=$4 t0 t1 s
    rm -f "$tmp/out"/*
    touch "$tmp/$name.sampling"
    rss_sampler "$pid" "$tmp/$name.sampling" >"$tmp/$name.rss" &
    local sampler=$!
    local senders=()
    t0=$(now)
    for s in $(seq "$SENDERS"); do
        (for m in $(seq "$MSGS"); do hand_over "$key" "$p" "$name-$s-$m"; done >"$tmp/$name.s$s") &
        senders+=($!)
    done
    wait "${senders[@]}"
    t1=$(now)
    rm -f "$tmp/$name.sampling"
    wait "$sampler"
    cat "$tmp/$name".s* >"$tmp/$name.times"
    rm -f "$tmp/$name".s*
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' >"$tmp/$name.secs"
    grep -rh '^Message-ID:' "$tmp/out" 2>/dev/null | sort | uniq -c | awk '{print $1, $3}' >"$tmp/$name.ids" || true
    if [ "$name" = serve ]; then
        awk '/VmHWM/ {print $2}' "/proc/$pid/status" >"$tmp/$name.rss"
    fi
}
echo "burst: $SENDERS senders x $MSGS messages each, per relay ..." >&2
for r in ${RELAYS:-serve java python}; do
    case $r in
        serve) burst serve "$tmp/key_java" "$sport" "$serve_pid" ;;
        java) burst java "$tmp/key_java" "$port" "$sshd_pid" ;;
        python) burst python "$tmp/key_python" "$port" "$sshd_pid" ;;
    esac
done

python3 - "$tmp" "$SENDERS" "$MSGS" ${RELAYS:-serve java python} <<'PY'
import statistics, sys
tmp, senders, msgs, relays = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
want = senders * msgs
rate = {}
for name in relays:
    times = [l.split() for l in open(f"{tmp}/{name}.times")]
    ok = sorted(int(t) for t, rc in times if rc == "0")
    failed = sum(1 for _, rc in times if rc != "0")
    ids = [l.split() for l in open(f"{tmp}/{name}.ids")]
    stored = {mid for _, mid in ids}
    dup = sum(int(n) - 1 for n, _ in ids)
    lost = len(ok) - len(stored)  # exit 0 but nothing stored
    secs = float(open(f"{tmp}/{name}.secs").read())
    rss = int(open(f"{tmp}/{name}.rss").read().strip() or 0)
    rate[name] = len(ok) / secs
    p = lambda q: ok[min(len(ok) - 1, int(q * len(ok)))] if ok else 0
    print(f"{name:7s} {len(ok):5d}/{want} in {secs:7.2f} s  {rate[name]:7.1f} msg/s  p50 {p(0.5):6d} ms"
          f"  p99 {p(0.99):6d} ms  failed {failed:4d}  lost {max(lost, 0)}  duplicated {dup}  relay peak RSS {rss / 1024:6.1f} MiB")
if "serve" in rate and "java" in rate:
    print(f"serve / java   {rate['serve'] / rate['java']:6.1f}x  (goal >= 10x)")
if "serve" in rate and "python" in rate:
    print(f"serve / python {rate['serve'] / rate['python']:6.1f}x")
PY
