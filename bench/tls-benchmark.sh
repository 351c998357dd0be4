#!/usr/bin/env bash
# Link TLS against plain links (issue 9, acceptance point 6): bench/setting-benchmark.sh tls, which see.
# Usage:   bench/tls-benchmark.sh [--rounds N] [--seconds N] [--out DIR] [--no-build]
exec "$(dirname "$0")/setting-benchmark.sh" tls "$@"
