package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.transport.stream.OpenStreams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-address connection counters and the open streams per (address, destination router) that balanced
 * distribution reads. Any thread.
 */
public final class TcpCounters {
    private static final class Counts {
        final LongAdder accepted = new LongAdder();
        final LongAdder opened = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder served = new LongAdder();
        final LongAdder serveFailed = new LongAdder();
        final LongAdder tlsRefused = new LongAdder();
        final LongAdder tlsFailed = new LongAdder();
    }

    private final Map<String, Counts> byAddress = new ConcurrentHashMap<>();
    private final OpenStreams open = new OpenStreams();

    private Counts counts(String address) {
        return byAddress.computeIfAbsent(address, a -> new Counts());
    }

    void accepted(String address) {
        counts(address).accepted.increment();
    }

    void opened(String address) {
        counts(address).opened.increment();
    }

    void refused(String address) {
        counts(address).refused.increment();
    }

    void failed(String address) {
        counts(address).failed.increment();
    }

    void tlsRefused(String address) {
        counts(address).tlsRefused.increment();
    }

    void tlsFailed(String address) {
        counts(address).tlsFailed.increment();
    }

    void connectorResult(String address, boolean success) {
        (success ? counts(address).served : counts(address).serveFailed).increment();
    }

    /** Streams this router's listeners have open (or opening) per address and connector router. */
    public OpenStreams open() {
        return open;
    }

    /** A snapshot per address, sorted by address. */
    public List<TcpAddressCounters> views() {
        List<TcpAddressCounters> views = new ArrayList<>();
        byAddress.forEach((address, c) -> views.add(new TcpAddressCounters(address, c.accepted.sum(),
                c.opened.sum(), c.refused.sum(), c.failed.sum(), c.served.sum(), c.serveFailed.sum(), c.tlsRefused.sum(),
                c.tlsFailed.sum())));
        views.sort(Comparator.comparing(TcpAddressCounters::address));
        return views;
    }

    /** The counters of one address (zeros if never used). */
    public TcpAddressCounters view(String address) {
        return views().stream().filter(v -> v.address().equals(address)).findFirst()
                .orElse(new TcpAddressCounters(address, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
