package io.vanrouter.transport.adaptor.http;

/**
 * Requests of one address that this router's listeners sent to one connector site, for {@code status}.
 *
 * @param address    the HTTP address (without namespace)
 * @param site       the connector site's router id
 * @param requests   requests sent there (the last attempt's site when one failed over)
 * @param status2xx  responses by status class
 * @param status3xx  responses by status class
 * @param status4xx  responses by status class
 * @param status5xx  responses by status class (the router's own 502/503 included)
 * @param failed     requests that got no complete response (reset, connection lost, no connector)
 * @param p50Micros  latency percentiles from the request's head to the response's end, in microseconds
 * @param p90Micros  latency percentile
 * @param p99Micros  latency percentile
 */
public record HttpSiteView(String address, String site, long requests, long status2xx, long status3xx,
        long status4xx, long status5xx, long failed, long p50Micros, long p90Micros, long p99Micros) {
}
