package io.vanrouter.daemon.mgmt;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the router process holds, for {@code GET /process}: heap, direct memory, file descriptors, threads, RSS. A
 * value that this JVM or OS cannot tell is -1. Field names are part of the management API: add, never rename.
 *
 * @param heapUsedBytes heap in use now, garbage included
 * @param heapUsedAfterGcBytes heap in use right after each heap pool's last collection, or now for a pool never
 *        collected: live data after a full GC ({@code POST /process/gc}), an upper bound of it otherwise
 * @param directBytes the JDK's direct buffer pool ({@code ByteBuffer.allocateDirect}, which Netty uses unless it
 *        allocates without a cleaner)
 * @param nettyDirectBytes direct memory Netty allocated without a cleaner (-1 when it does not count it)
 * @param allocatorDirectBytes direct memory held by Netty's default allocator: buffers in use plus its cached chunks
 */
public record ProcessResources(long heapUsedBytes, long heapCommittedBytes, long heapMaxBytes,
        long heapUsedAfterGcBytes, long directBytes, long nettyDirectBytes, long allocatorDirectBytes,
        long openFds, long maxFds, int threads, long rssBytes) {

    /** Reads the current values; any thread (reads /proc, so not on an event loop). */
    public static ProcessResources sample() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                // a pool no collector has run on yet (the old generation before the first full GC) counts as it is
                MemoryUsage collected = pool.getCollectionUsage();
                afterGc += collected != null && collectedOnce(pool) ? collected.getUsed() : pool.getUsage().getUsed();
            }
        }
        long direct = -1;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct = pool.getMemoryUsed();
            }
        }
        long allocatorDirect = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long openFds = os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
        long maxFds = os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
        return new ProcessResources(heap.getUsed(), heap.getCommitted(), heap.getMax(), afterGc, direct,
                PlatformDependent.usedDirectMemory(), allocatorDirect, openFds, maxFds,
                ManagementFactory.getThreadMXBean().getThreadCount(), readRssBytes());
    }

    private static boolean collectedOnce(MemoryPoolMXBean pool) {
        List<String> managers = List.of(pool.getMemoryManagerNames());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (managers.contains(gc.getName()) && gc.getCollectionCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** VmRSS from /proc/self/status (Linux), else -1. */
    private static long readRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return -1;
    }
}
