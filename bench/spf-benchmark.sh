#!/usr/bin/env bash
# Runs the SPF JMH benchmark (router-core SpfBenchmark: one full recompute on 100, 1,000 and 10,000 routers).
# Usage: bench/spf-benchmark.sh [extra JMH options]   e.g. bench/spf-benchmark.sh -p routers=10000
# Maven runs under the shared build lock and offline (the machine is shared; see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="router-core/target/bench-classpath.txt"
flock /tmp/vanrouter-mvn.lock mvn -B -o -q -pl router-core test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test
cd router-core
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    org.openjdk.jmh.Main SpfBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s "$@"
