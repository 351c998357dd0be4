package io.vanrouter.transport.adaptor.udp;

import io.vanrouter.transport.stream.DatagramEnd;
import io.vanrouter.transport.stream.OpenStreams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-address flow and datagram counters, and the open flows per (address, connector router) that balanced
 * distribution reads. Any thread.
 */
public final class UdpCounters {
    private static final class Counts {
        final LongAdder flowsStarted = new LongAdder();
        final LongAdder flowsExpired = new LongAdder();
        final LongAdder flowsServed = new LongAdder();
        final LongAdder datagramsIn = new LongAdder();
        final LongAdder datagramsOut = new LongAdder();
        final LongAdder congested = new LongAdder();
        final LongAdder noConnector = new LongAdder();
        final LongAdder flowLimit = new LongAdder();
        final LongAdder socketBusy = new LongAdder();
        final LongAdder tooLarge = new LongAdder();
        final AtomicInteger flowsOpen = new AtomicInteger();
    }

    private final Map<String, Counts> byAddress = new ConcurrentHashMap<>();
    private final OpenStreams open = new OpenStreams();

    private Counts counts(String address) {
        return byAddress.computeIfAbsent(address, a -> new Counts());
    }

    void flowStarted(String address) {
        Counts c = counts(address);
        c.flowsStarted.increment();
        c.flowsOpen.incrementAndGet();
    }

    void flowEnded(String address) {
        counts(address).flowsOpen.decrementAndGet();
    }

    void flowExpired(String address) {
        counts(address).flowsExpired.increment();
    }

    void flowServed(String address) {
        counts(address).flowsServed.increment();
    }

    void datagramOut(String address) {
        counts(address).datagramsOut.increment();
    }

    void noConnector(String address) {
        counts(address).noConnector.increment();
    }

    void flowLimit(String address) {
        counts(address).flowLimit.increment();
    }

    void socketBusy(String address) {
        counts(address).socketBusy.increment();
    }

    /** Counts what {@link DatagramEnd#offer} did with a datagram. */
    void offered(String address, DatagramEnd.Offer result) {
        Counts c = counts(address);
        switch (result) {
            case ACCEPTED -> c.datagramsIn.increment();
            case CONGESTED, CLOSED -> c.congested.increment();
            case TOO_LARGE -> c.tooLarge.increment();
        }
    }

    /** Flows this router's listeners have open (or opening) per address and connector router. */
    public OpenStreams open() {
        return open;
    }

    /** A snapshot per address, sorted by address. */
    public List<UdpAddressCounters> views() {
        List<UdpAddressCounters> views = new ArrayList<>();
        byAddress.forEach((address, c) -> views.add(new UdpAddressCounters(address, c.flowsStarted.sum(),
                c.flowsOpen.get(), c.flowsExpired.sum(), c.flowsServed.sum(), c.datagramsIn.sum(),
                c.datagramsOut.sum(), c.congested.sum(), c.noConnector.sum(), c.flowLimit.sum(), c.socketBusy.sum(),
                c.tooLarge.sum())));
        views.sort(Comparator.comparing(UdpAddressCounters::address));
        return views;
    }

    /** The counters of one address (zeros if never used). */
    public UdpAddressCounters view(String address) {
        return views().stream().filter(v -> v.address().equals(address)).findFirst()
                .orElse(new UdpAddressCounters(address, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
