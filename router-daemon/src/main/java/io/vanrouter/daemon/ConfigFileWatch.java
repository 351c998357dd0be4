package io.vanrouter.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reloads when the configuration file changes ({@code run --reload-on-change}): polls its size, modification time
 * and inode, and reloads once a change has held still for one poll, so that a file still being written by an editor
 * is not read half-way (a half file would be rejected anyway, and the finished one applied at the next change).
 * Polling rather than a file-system watch: a watch misses a file replaced by rename on some systems, and a
 * Kubernetes ConfigMap is updated by swapping a symlink. One thread; {@link #close} stops it.
 */
public final class ConfigFileWatch implements AutoCloseable {
    public static final long POLL_MILLIS = 1_000;

    private record Stamp(Object fileKey, long modified, long size) {
    }

    private final Path file;
    private final Runnable reload;
    private final ScheduledExecutorService poller;
    private Stamp applied; // poller thread
    private Stamp seen;

    private ConfigFileWatch(Path file, Runnable reload) {
        this.file = file;
        this.reload = reload;
        this.applied = stamp(file);
        this.seen = applied;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "vanrouter-config-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static ConfigFileWatch start(Path file, Runnable reload, long pollMillis) {
        ConfigFileWatch watch = new ConfigFileWatch(file, reload);
        watch.poller.scheduleWithFixedDelay(watch::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        return watch;
    }

    private void poll() {
        Stamp now = stamp(file);
        if (now == null || Objects.equals(now, applied)) {
            seen = now;
            return;
        }
        if (now.equals(seen)) { // changed, and unchanged since the last poll: written
            applied = now;
            reload.run();
        }
        seen = now;
    }

    private static Stamp stamp(Path file) {
        try {
            // Follows symlinks: a ConfigMap's file is a link whose target is swapped.
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.fileKey(), attributes.lastModifiedTime().toMillis(), attributes.size());
        } catch (IOException e) {
            return null; // gone for a moment while it is replaced: look again at the next poll
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
