package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileWatchTest {
    @TempDir
    Path dir;

    @Test
    void shouldReloadOncePerSettledChangeIncludingAFileReplacedByRename() throws Exception {
        Path file = dir.resolve("r.yaml");
        Files.writeString(file, "router: {id: a}\n");
        AtomicInteger reloads = new AtomicInteger();
        try (ConfigFileWatch watch = ConfigFileWatch.start(file, reloads::incrementAndGet, 20)) {
            Files.writeString(file, "router: {id: a}\npeers: []\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> reloads.get() == 1);

            Path next = dir.resolve("r.yaml.new");
            Files.writeString(next, "router: {id: a}\npeers: [] # edited elsewhere\n");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(5)).until(() -> reloads.get() == 2);

            // Nothing changes for a while: no more reloads. Awaitility's 'during' watches for it.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> reloads.get() == 2);
        }
    }
}
