/** JMH benchmarks of the routing engine; run with bench/spf-benchmark.sh, not part of the test suite. */
package io.vanrouter.core.bench;
