/** Prometheus metrics of one router, collected at scrape time from the counters and snapshots the router keeps. */
package io.vanrouter.daemon.metrics;
