package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify over a real unix datagram socket, bound as systemd binds {@code NOTIFY_SOCKET}. */
class SystemdNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void shouldSendReadyWithStatusToTheSocketPath() throws Exception {
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
            SystemdNotifier notifier = SystemdNotifier.of(systemd.name());

            assertThat(notifier.ready("router site-a running")).isTrue();

            assertThat(systemd.next(WAIT)).isEqualTo("READY=1\nSTATUS=router site-a running");
        }
    }

    @Test
    void shouldReachAnAbstractSocketWhenTheNameStartsWithAt() throws Exception {
        try (NotifySocket systemd = new NotifySocket("@vanrouter-test-" + UUID.randomUUID())) {
            SystemdNotifier notifier = SystemdNotifier.of(systemd.name());

            assertThat(notifier.stopping()).isTrue();

            assertThat(systemd.next(WAIT)).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void shouldSendReloadingWithAMonotonicTimestampThenReady() throws Exception {
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
            SystemdNotifier notifier = SystemdNotifier.of(systemd.name());
            long beforeMicros = System.nanoTime() / 1000;

            notifier.reloading();
            notifier.ready();

            String reloading = systemd.next(WAIT);
            assertThat(reloading).startsWith("RELOADING=1\nMONOTONIC_USEC=");
            long stampMicros = Long.parseLong(reloading.substring(reloading.lastIndexOf('=') + 1));
            assertThat(stampMicros).isBetween(beforeMicros, System.nanoTime() / 1000);
            assertThat(systemd.next(WAIT)).isEqualTo("READY=1");
        }
    }

    @Test
    void shouldDoNothingWhenNotifySocketIsUnsetOrEmpty() {
        assertThat(SystemdNotifier.of(null).enabled()).isFalse();
        assertThat(SystemdNotifier.of("").enabled()).isFalse();
        assertThat(SystemdNotifier.of(null).ready("x")).isFalse();
        assertThat(SystemdNotifier.of("/run/systemd/notify").enabled()).isTrue();
    }

    @Test
    void shouldReturnFalseWithoutThrowingWhenNobodyListens() {
        SystemdNotifier notifier = SystemdNotifier.of(dir.resolve("nobody").toString());

        assertThat(notifier.ready("x")).isFalse();
    }
}
