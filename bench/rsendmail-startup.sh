#!/bin/bash
# Start-up benchmark of the relay (SPEC §6): rsendmail plain mode, one small
# message to a stub sendmail, median wall time of the Java relay against the
# Python rsendmail 1.1.4 (Debian package "rsendmail") in the same run.
#
#   bench/rsendmail-startup.sh [ROUNDS]      (default 30; or ROUNDS=… in the environment)
#
# Every round runs each variant once, in alternating order, so slow phases of
# a busy machine hit all variants alike. Variants:
#   java            install/target/dist/bin/rsendmail: its JVM flags (-Xint, G1,
#                   no perf data) + its static CDS archive lib/rsendmail.jsa
#   java-nocds      the launcher's flags without that archive (the JDK's own archive)
#   java-c1+cds     C1 JIT only (-XX:TieredStopAtLevel=1) instead of -Xint, + the archive
#   java-serial+cds serial GC instead of G1 (the archive's heap objects and
#                   module graph then go unused), + the archive
#   java-plain+cds  default JVM flags (tiered JIT) + the archive
#   java-plain      default JVM flags, the JDK's own archive
#   python          /usr/bin/rsendmail (runs "sendmail" from PATH: the stub comes first)
# All get SSH_ORIGINAL_COMMAND='rsendmail -f a@example.org -- b@example.org'
# and the same message on stdin. The Java relay logs to a file in the scratch
# directory. The Python one logs to /dev/log and stderr (stderr goes to
# /dev/null for every variant).
set -euo pipefail

ROUNDS=${1:-${ROUNDS:-30}}
WARMUP=${WARMUP:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/install/target/dist

if [ ! -x "$dist/bin/rsendmail" ]; then
    echo "building $dist ..." >&2
    (cd "$root" && mvn -B -q -DskipTests package) >&2
fi
python_rsendmail=/usr/bin/rsendmail
have_python=yes
if [ ! -x "$python_rsendmail" ]; then
    echo "warning: $python_rsendmail missing (apt-get install rsendmail): no comparison" >&2
    have_python=no
fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsendmail-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/state" "$tmp/spool"
printf '#!/bin/sh\nexec cat >/dev/null\n' >"$tmp/bin/sendmail"
chmod 755 "$tmp/bin/sendmail"
cat >"$tmp/rsendmail.conf" <<CONF
sendmail $tmp/bin/sendmail
log $tmp/rsendmail.log
state_dir $tmp/state
spool_dir $tmp/spool
CONF
cat >"$tmp/message" <<'MSG'
From: A <a@example.org>
To: B <b@example.org>
Subject: start-up benchmark
Date: Thu, 01 Jan 2026 00:00:00 +0000
Message-ID: <bench@example.org>

Hello.
MSG

export SSH_ORIGINAL_COMMAND='rsendmail -f a@example.org -- b@example.org'
export PATH="$tmp/bin:$PATH"

# The class path exactly as the launcher builds it (the archive is tied to it).
cp=
saved_lc_all=${LC_ALL-}
LC_ALL=C
for jar in "$dist"/lib/*.jar; do cp=${cp:+$cp:}$jar; done
LC_ALL=$saved_lc_all
jsa=$dist/lib/rsendmail.jsa
lean=(-Xint -XX:+UseG1GC -XX:-UsePerfData -Xss512k -Xshare:auto)
quiet=(-Xlog:disable -Xlog:all=warning:stderr '-Xlog:cds*=off:stderr')
main=net.rsendmail.relay.Main
conf=(--config "$tmp/rsendmail.conf")

names=(java java-nocds java-c1+cds java-serial+cds java-plain+cds java-plain)
cmds=(
    "$(printf '%q ' "$dist/bin/rsendmail" "${conf[@]}")"
    "$(printf '%q ' "$java" "${lean[@]}" "${quiet[@]}" -cp "$cp" "$main" "${conf[@]}")"
    "$(printf '%q ' "$java" -XX:TieredStopAtLevel=1 "${lean[@]:1}" "${quiet[@]}" "-XX:SharedArchiveFile=$jsa" -cp "$cp" "$main" "${conf[@]}")"
    "$(printf '%q ' "$java" -Xint -XX:+UseSerialGC "${lean[@]:2}" "${quiet[@]}" "-XX:SharedArchiveFile=$jsa" -cp "$cp" "$main" "${conf[@]}")"
    "$(printf '%q ' "$java" "${quiet[@]}" "-XX:SharedArchiveFile=$jsa" -cp "$cp" "$main" "${conf[@]}")"
    "$(printf '%q ' "$java" "${quiet[@]}" -cp "$cp" "$main" "${conf[@]}")"
)
if [ "$have_python" = yes ]; then
    names+=(python)
    cmds+=("$(printf '%q ' "$python_rsendmail")")
fi
if [ ! -f "$jsa" ]; then
    echo "warning: $jsa missing: the java and java-plain+cds variants run without it" >&2
fi

# Each command once, checked: exit 0 and nothing on stdout.
for i in "${!names[@]}"; do
    out=$(eval "${cmds[$i]}" <"$tmp/message" 2>"$tmp/err") || {
        echo "${names[$i]} failed: $(cat "$tmp/err")" >&2
        exit 1
    }
    if [ -n "$out" ]; then
        echo "${names[$i]} printed on stdout: $out" >&2
        exit 1
    fi
done

# Is the archive really used by the launcher? Count the classes loaded from CDS.
RSENDMAIL_JAVA_OPTS="-Xlog:class+load=info:file=$tmp/classes.txt" \
    "$dist/bin/rsendmail" "${conf[@]}" <"$tmp/message" 2>/dev/null
from_archive=$(grep -c 'source: shared objects file' "$tmp/classes.txt" || true)
app_from_archive=$(grep 'source: shared objects file' "$tmp/classes.txt" | grep -c ' net\.rsendmail\.' || true)
from_jars=$(grep -vc 'shared objects file' "$tmp/classes.txt" || true)

now_us() { echo "${EPOCHREALTIME/./}"; }
declare -A times
n=${#names[@]}
total=$((WARMUP + ROUNDS))
for ((round = 0; round < total; round++)); do
    for ((k = 0; k < n; k++)); do
        i=$(((round + k) % n)) # rotate the order every round
        start=$(now_us)
        eval "${cmds[$i]}" <"$tmp/message" >/dev/null 2>&1 || { echo "${names[$i]} failed in round $round" >&2; exit 1; }
        end=$(now_us)
        if ((round >= WARMUP)); then
            times[${names[$i]}]+="$((end - start)) "
        fi
    done
done

median_us() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u/1000}'; }

echo "rsendmail start-up, one small message to a stub sendmail, $ROUNDS rounds (+$WARMUP warm-up), $(nproc) CPUs"
echo "JVM: $("$java" -version 2>&1 | head -n 1)"
echo "launcher run: $from_archive classes from a CDS archive ($app_from_archive of them the relay's), $from_jars from jars or generated"
declare -A med
for name in "${names[@]}"; do
    med[$name]=$(printf '%s' "${times[$name]}" | median_us)
    min=$(printf '%s' "${times[$name]}" | tr ' ' '\n' | grep . | sort -n | head -n 1)
    printf '  %-15s median %7s ms   min %7s ms\n' "$name" "$(ms "${med[$name]}")" "$(ms "$min")"
done
if [ "$have_python" = yes ]; then
    ratio=$(awk -v j="${med[java]}" -v p="${med[python]}" 'BEGIN {printf "%.2f", j/p}')
    echo "ratio java/python (medians): $ratio"
    if awk -v r="$ratio" 'BEGIN {exit !(r <= 1.0)}'; then
        echo "budget (SPEC §6: java median <= python median): met"
    else
        echo "budget (SPEC §6: java median <= python median): NOT met"
    fi
fi
