package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The SIGHUP handler's bookkeeping, called directly (no signal is sent: it would reach the test JVM). */
class ReloadSignalTest {
    private final AtomicInteger reloads = new AtomicInteger();
    private final ReloadSignal signal = new ReloadSignal("a.yaml", Runnable::run);

    @Test
    void shouldReloadOnceTheRoutersRunWhenTheSignalCameWhileTheyStarted() {
        signal.received();
        assertThat(reloads).hasValue(0);

        signal.running("a", reloads::incrementAndGet);
        assertThat(reloads).hasValue(1);
    }

    @Test
    void shouldReloadOnceForSignalsThatCameTogetherWhileStarting() {
        signal.received();
        signal.received();
        signal.running("a", reloads::incrementAndGet);
        assertThat(reloads).hasValue(1);
    }

    @Test
    void shouldNotReloadWhenRunningStartsWithoutASignal() {
        signal.running("a", reloads::incrementAndGet);
        assertThat(reloads).hasValue(0);
    }

    @Test
    void shouldReloadOnEverySignalOnceRunning() {
        signal.running("a", reloads::incrementAndGet);
        signal.received();
        signal.received();
        assertThat(reloads).hasValue(2);
    }
}
