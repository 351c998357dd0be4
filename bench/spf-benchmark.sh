#!/usr/bin/env bash
# Runs the SPF JMH benchmark (router-core SpfBenchmark: one full recompute on 100, 1,000 and 10,000 routers).
# Usage: bench/spf-benchmark.sh [extra JMH options]   e.g. bench/spf-benchmark.sh -p routers=10000
# The whole run (Maven build and JMH) holds the shared build lock, so other engineers' Maven builds neither skew the
# figures nor race the build; Maven runs offline. See docs/benchmarks.md.
set -euo pipefail
lock=/tmp/vanrouter-mvn.lock
if [[ -z "${VANROUTER_BENCH_LOCKED:-}" ]]; then
    export VANROUTER_BENCH_LOCKED=1
    exec flock "$lock" "$0" "$@"
fi
cd "$(dirname "$0")/.."
mvn -B -o -q -pl router-core test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/router-core/target/bench-classpath.txt" -Dmdep.includeScope=test
cd router-core
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    org.openjdk.jmh.Main SpfBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s "$@"
