package io.vanrouter.transport.adaptor.http;

import io.vanrouter.transport.stream.OpenStreams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per address and connector site: requests, responses by status class, failures and latency; per address the open
 * requests per site (what the balanced distribution counts), requests refused for bad input and requests served by
 * this router's connectors.
 *
 * <p>Written from event loops, read from any thread.
 */
public final class HttpCounters {
    /** No site: the request never reached one (no connector reachable, bad input). */
    static final String NO_SITE = "-";

    private final Map<String, Map<String, Site>> sites = new ConcurrentHashMap<>();
    private final OpenStreams open = new OpenStreams();
    private final Map<String, LongAdder> badRequests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> served = new ConcurrentHashMap<>();

    private static final class Site {
        final LongAdder requests = new LongAdder();
        final LongAdder[] classes = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
        final LongAdder failed = new LongAdder();
        final LatencyHistogram latency = new LatencyHistogram();
    }

    private Site site(String address, String site) {
        return sites.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).computeIfAbsent(site, s -> new Site());
    }

    /** Requests this router's listeners have open (or opening) per address and site. */
    OpenStreams open() {
        return open;
    }

    /** A request finished: {@code status} 0 when no response head reached the client, {@code failed} when cut. */
    void finished(String address, String site, int status, boolean failed, long latencyMicros) {
        Site counters = site(address, site == null ? NO_SITE : site);
        counters.requests.increment();
        if (status >= 200 && status < 600) {
            counters.classes[status / 100 - 2].increment();
        }
        if (failed) {
            counters.failed.increment();
        } else {
            counters.latency.record(latencyMicros);
        }
    }

    void badRequest(String address) {
        badRequests.computeIfAbsent(address, a -> new LongAdder()).increment();
    }

    void servedOne(String address) {
        served.computeIfAbsent(address, a -> new LongAdder()).increment();
    }

    public long badRequests(String address) {
        LongAdder count = badRequests.get(address);
        return count == null ? 0 : count.sum();
    }

    public long served(String address) {
        LongAdder count = served.get(address);
        return count == null ? 0 : count.sum();
    }

    /** Every address and site with requests from this router's listeners, by address then site. */
    public List<HttpSiteView> views() {
        List<HttpSiteView> views = new ArrayList<>();
        sites.forEach((address, bySite) -> bySite.forEach((site, c) -> views.add(new HttpSiteView(address, site,
                c.requests.sum(), c.classes[0].sum(), c.classes[1].sum(), c.classes[2].sum(), c.classes[3].sum(),
                c.failed.sum(), c.latency.percentileMicros(50), c.latency.percentileMicros(90),
                c.latency.percentileMicros(99)))));
        views.sort(Comparator.comparing(HttpSiteView::address).thenComparing(HttpSiteView::site));
        return views;
    }

    /** Addresses served by this router's connectors, with counts. */
    public Map<String, Long> servedByAddress() {
        Map<String, Long> result = new java.util.TreeMap<>();
        served.forEach((address, count) -> result.put(address, count.sum()));
        return result;
    }
}
