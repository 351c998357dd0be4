package io.vanrouter.transport.adaptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdaptorListenersTest {
    /** Listeners in the order they were closed, once per close. */
    private final List<FakeListener> closed = Collections.synchronizedList(new ArrayList<>());
    private final AdaptorListeners<FakeListener> listeners =
            new AdaptorListeners<>(FakeListener::localAddress, FakeListener::close);

    @Test
    void shouldGiveTheBoundAddressesInTheOrderTheListenersWereAdded() {
        FakeListener first = new FakeListener();
        FakeListener second = new FakeListener();
        FakeListener third = new FakeListener();
        listeners.add(first);
        listeners.add(second);
        listeners.add(third);
        third.bind(7003);
        first.bind(7001);

        assertThat(listeners.addresses()).as("a listener not bound yet has no address")
                .containsExactly(address(7001), null, address(7003));
        second.bind(7002);
        assertThat(listeners.addresses()).containsExactly(address(7001), address(7002), address(7003));
    }

    @Test
    void shouldCloseEachListenerOnceInOrder() {
        List<FakeListener> all = List.of(new FakeListener(), new FakeListener(), new FakeListener());
        all.forEach(listeners::add);
        all.get(0).bind(7001);
        all.get(2).bind(7003);

        listeners.closeAll();

        assertThat(closed).as("each once, in configuration order").containsExactlyElementsOf(all);
    }

    @Test
    void shouldCloseAListenerThatIsStillBindingWhenCloseComesFromAnotherThread() throws Exception {
        FakeListener bound = new FakeListener();
        FakeListener binding = new FakeListener();
        CountDownLatch added = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        Thread start = new Thread(() -> {
            listeners.add(bound);
            bound.bind(7001);
            listeners.add(binding); // before bind, as the adaptors do
            added.countDown();
            await(closing); // a slow bind: close() arrives meanwhile
        });
        start.start();
        assertThat(added.await(5, TimeUnit.SECONDS)).isTrue();

        listeners.closeAll();
        closing.countDown();
        start.join(5_000);

        assertThat(closed).as("the half-started listener too").containsExactly(bound, binding);
    }

    @Test
    void shouldLoseNoListenerAddedFromSeveralThreadsAtOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    listeners.add(new FakeListener());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        List<FakeListener> added = listeners.snapshot();

        listeners.closeAll();

        assertThat(closed).hasSize(2_000).doesNotHaveDuplicates().containsExactlyElementsOf(added);
    }

    @Test
    void shouldCloseEachListenerOnlyOnceAndHandOutNoneOnceClosed() {
        FakeListener listener = new FakeListener();
        listeners.add(listener);
        listener.bind(7001);

        listeners.closeAll();
        listeners.closeAll();

        assertThat(closed).containsExactly(listener);
        assertThat(listeners.snapshot()).isEmpty();
        assertThat(listeners.addresses()).isEmpty();
    }

    @Test
    void shouldCloseAListenerAddedAfterCloseAllInsteadOfKeepingIt() {
        listeners.closeAll(); // the adaptor was closed before its start got to this listener
        FakeListener late = new FakeListener();

        listeners.add(late);

        assertThat(closed).containsExactly(late);
        assertThat(listeners.snapshot()).isEmpty();
        assertThat(listeners.addresses()).isEmpty();
    }

    @Test
    void shouldCloseTheListenersAReloadAddsAfterCloseAll() {
        FakeListener old = new FakeListener();
        listeners.add(old);
        FakeListener added = new FakeListener(); // bound by the reload while the adaptor was being closed
        listeners.closeAll();

        listeners.replace(List.of(old), List.of(added));

        assertThat(closed).containsExactly(old, added);
        assertThat(listeners.snapshot()).isEmpty();
    }

    @Test
    void shouldReplaceRemovedListenersByAddedOnesInOneChange() {
        FakeListener kept = new FakeListener();
        FakeListener removed = new FakeListener();
        FakeListener added = new FakeListener();
        listeners.add(removed);
        listeners.add(kept);
        List<FakeListener> before = listeners.snapshot();

        listeners.replace(List.of(removed), List.of(added));

        assertThat(before).as("a snapshot is a copy").containsExactly(removed, kept);
        assertThat(listeners.snapshot()).containsExactly(kept, added);
        listeners.closeAll();
        assertThat(closed).as("the removed one is no longer the adaptor's").containsExactly(kept, added);
    }

    private static InetSocketAddress address(int port) {
        return InetSocketAddress.createUnresolved("127.0.0.1", port);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stands for a TCP, UDP or HTTP listener: no address until bound, notes each close in {@link #closed}. */
    private final class FakeListener {
        private volatile InetSocketAddress address;

        void bind(int port) {
            address = address(port);
        }

        InetSocketAddress localAddress() {
            return address;
        }

        void close() {
            closed.add(this);
        }
    }
}
