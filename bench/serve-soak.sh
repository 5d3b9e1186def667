#!/bin/bash
# Soak (issue 16): SENDERS concurrent senders hand messages to rsendmail serve
# one after another with the OpenSSH client for SECONDS, against a stub
# sendmail that stores every message. Prints the messages handed over, failed
# hand-overs, lost and duplicated ones (by Message-ID in what the stub stored),
# serve's RSS after warm-up, at the end and its peak (VmHWM), and its RSS every
# 10 s of the IDLE seconds without sessions that follow (serve collects after
# 30 s; the JDK's idle process-reaper threads end 60 s after their last use).
#
#   bench/serve-soak.sh [SENDERS [SECONDS [IDLE]]]     (defaults 50 600 60)
set -euo pipefail
SENDERS=${1:-50}
SECONDS_=${2:-600}
IDLE=${3:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist
[ -x "$dist/bin/rsendmail" ] || (cd "$root" && mvn -B -q -DskipTests package) >&2
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/serve-soak.XXXXXX")
serve_pid=
cleanup() {
    if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/out" "$tmp/senders"
cat >"$tmp/bin/sendmail" <<STUB
#!/bin/sh
exec cat >"\$(mktemp "$tmp/out/m.XXXXXXXX")"
STUB
chmod 755 "$tmp/bin/sendmail"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/key"
: >"$tmp/known_hosts"
. "$(dirname "$0")/relay-serve.sh"
start_serve "$tmp/key" $((SENDERS * 2))
rss() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$serve_pid/status"; }

# warm-up: one round from every sender
for s in $(seq "$SENDERS"); do hand_over "$tmp/key" "$sport" "warm-$s" >/dev/null & done
wait $(jobs -p | grep -vx "$serve_pid") 2>/dev/null || true
rss_start=$(rss VmRSS)
echo "soak: $SENDERS senders for $SECONDS_ s ..." >&2
end=$(( $(date +%s) + SECONDS_ ))
senders=()
for s in $(seq "$SENDERS"); do
    (m=0; while [ "$(date +%s)" -lt "$end" ]; do m=$((m + 1)); hand_over "$tmp/key" "$sport" "soak-$s-$m"; done \
        >"$tmp/senders/$s") &
    senders+=($!)
done
samples=()
while [ "$(date +%s)" -lt "$end" ]; do samples+=("$(rss VmRSS)"); sleep 10; done
wait "${senders[@]}"
rss_end=$(rss VmRSS)
rss_peak=$(rss VmHWM)
idle_samples=()
for _ in $(seq $(( (IDLE + 9) / 10 ))); do sleep 10; idle_samples+=("$(rss VmRSS)"); done
rss_idle=$(rss VmRSS)
cat "$tmp"/senders/* >"$tmp/times"
grep -rh '^Message-ID: <soak-' "$tmp/out" | sort | uniq -c | awk '{print $1, $3}' >"$tmp/ids" || true
python3 - "$tmp" "$rss_start" "$rss_end" "$rss_peak" "$rss_idle" "$IDLE" "${samples[*]}" "${idle_samples[*]}" <<'PY'
import statistics, sys
tmp, start, end, peak, idle, idle_s = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
samples = [int(x) for x in sys.argv[7].split()] if sys.argv[7] else []
idle_samples = [int(x) for x in sys.argv[8].split()] if sys.argv[8] else []
times = [l.split() for l in open(f"{tmp}/times")]
ok = sorted(int(t) for t, rc in times if rc == "0")
ids = [l.split() for l in open(f"{tmp}/ids")]
stored = {m for _, m in ids}
dup = sum(int(n) - 1 for n, _ in ids)
mib = lambda k: k / 1024
print(f"handed over {len(ok)}  failed {len(times) - len(ok)}  lost {max(0, len(ok) - len(stored))}  duplicated {dup}"
      f"  p50 {ok[len(ok) // 2] if ok else 0} ms  p99 {ok[min(len(ok) - 1, int(0.99 * len(ok)))] if ok else 0} ms")
print(f"serve RSS: after warm-up {mib(start):.1f} MiB, end {mib(end):.1f} MiB, peak {mib(peak):.1f} MiB,"
      f" idle after {idle_s} s {mib(idle):.1f} MiB (goal < 64)")
if samples:
    print("RSS every 10 s (MiB): " + " ".join(f"{mib(s):.0f}" for s in samples))
if idle_samples:
    print("idle RSS every 10 s (MiB): " + " ".join(f"{mib(s):.1f}" for s in idle_samples))
PY
