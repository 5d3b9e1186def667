#!/bin/sh
# Queue speed (SPEC section 6: measured here, never by timed tests).
# Prints the median time of a durable in-process enqueue of a 5 kB message and the
# median claims per second on a 1000-message queue.
#   usage: bench/queue-bench.sh [DIR [ENQUEUE_RUNS [CLAIM_ROUNDS]]]
# DIR defaults to a fresh directory under $TMPDIR or /var/tmp; use a real disk, not tmpfs,
# or fsync costs nothing.
set -eu
cd "$(dirname "$0")/.."
# incremental: compiles only what changed; on failure show Maven's full output
build() {
    mvn -B -q -pl queue "$@" >/dev/null 2>&1 || { mvn -B -pl queue "$@" >&2; exit 1; }
}
build test-compile
build dependency:build-classpath -Dmdep.outputFile=target/queue-bench.classpath -Dmdep.includeScope=test
CP="queue/target/classes:queue/target/test-classes:$(cat queue/target/queue-bench.classpath)"
exec java -cp "$CP" net.rsendmail.queue.QueueBench "$@"
