package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a buffer released too few times during it. The tests run
 * with paranoid leak detection ({@code test.argLine}); without this, a leak would only be an ERROR line in the log.
 *
 * <p>Applies to every test class of the module: registered in {@code META-INF/services} with extension
 * autodetection on ({@code junit-platform.properties}).
 *
 * <p>A leak is found only once its buffer has been garbage collected, so after the class the check runs a few
 * collections and allocations (each allocation makes the detector look at what was collected). It can miss a leaked
 * buffer that is still reachable; it never reports one that was not leaked.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ByteBufUtil.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + ": " + records));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LEAKS.clear(); // one JVM per test class in this module; clear anyway so a report names its own class
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int round = 0; round < 4; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        List<String> leaks = List.copyOf(LEAKS);
        assertThat(leaks).as("buffers leaked by %s (Netty leak reports)", context.getDisplayName()).isEmpty();
    }
}
