package io.vanrouter.transport.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams this router's listeners have open (or opening) per address and connector site: what the balanced
 * distribution counts. Any thread.
 */
public final class OpenStreams {
    private final Map<String, Map<String, AtomicInteger>> byAddress = new ConcurrentHashMap<>();

    void started(String address, String site) {
        byAddress.computeIfAbsent(address, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(site, s -> new AtomicInteger()).incrementAndGet();
    }

    void ended(String address, String site) {
        AtomicInteger open = counter(address, site);
        if (open != null) {
            open.decrementAndGet();
        }
    }

    /** Streams open (or opening) toward {@code site} for {@code address}. */
    public int open(String address, String site) {
        AtomicInteger open = counter(address, site);
        return open == null ? 0 : open.get();
    }

    private AtomicInteger counter(String address, String site) {
        Map<String, AtomicInteger> sites = byAddress.get(address);
        return sites == null ? null : sites.get(site);
    }
}
