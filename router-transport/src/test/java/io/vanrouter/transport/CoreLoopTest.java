package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.status.RouterView;
import io.vanrouter.transport.CoreCommand.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core thread's command lanes: what a full queue may drop, and what it must not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoreLoopTest {
    private static final long LINK = 7;

    /** Records hellos; the first {@code failures} sends throw. */
    private static final class RecordingSender implements ControlSender {
        final List<Long> sentOn = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void send(long linkId, ControlMessage message) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("send failed on purpose");
            }
            sentOn.add(linkId);
        }

        @Override
        public void closeLink(long linkId, String reason) {
        }
    }

    private final RecordingSender sender = new RecordingSender();
    // A long dead interval: only the link-down command, never aging, may remove the neighbour in these tests.
    private final CoreLoop loop = new CoreLoop(CoreSettings.defaults("a", 1).withHello(1_000, 600_000), sender);
    private final LogCapture log = new LogCapture("vanrouter.core");

    @AfterEach
    void tearDown() {
        loop.close();
        log.close();
    }

    @Test
    void shouldDeliverLinkDownSubmittedWhileQueueIsFull() {
        loop.submitLinkUp(LINK, "b", 2, 1);
        fillQueue();
        loop.submitLinkDown(LINK, "peer closed");

        loop.start();
        RouterView view = viewAfterEverythingQueued();

        assertThat(sender.sentOn).as("link up reached the core (it sent a hello)").contains(LINK);
        assertThat(view.neighbors()).as("link down reached the core").isEmpty();
        assertThat(loop.commandCounters().rejected(Type.LINK_ACTIVITY)).isEqualTo(1);
        assertThat(loop.commandCounters().rejected(Type.LINK_DOWN)).isZero();
    }

    @Test
    void shouldFailStatusQueryAtOnceWhileQueueIsFull() {
        fillQueue();
        CompletableFuture<RouterView> query = loop.queryView();
        assertThat(query).isCompletedExceptionally();
        assertThat(loop.commandCounters().rejected(Type.QUERY_VIEW)).isEqualTo(1);
    }

    @Test
    void shouldLogFailingCommandWithItsTypeAndCarryOn() {
        sender.failures.set(1); // link up sends a hello at once: that command fails
        loop.start();
        loop.submitLinkUp(LINK, "b", 2, 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> loop.commandErrors() == 1);
        assertThat(log.messages(Level.ERROR)).singleElement().asString()
                .isEqualTo("[a] core command LINK_UP failed; continuing: "
                        + "java.lang.IllegalStateException: send failed on purpose");
        assertThat(loop.commandCounters().failed(Type.LINK_UP)).isEqualTo(1);

        loop.submitLinkDown(LINK, "peer closed");
        assertThat(viewAfterEverythingQueued().neighbors()).as("the loop carried on").isEmpty();
    }

    @Test
    void shouldNeverRunAMessageBeforeTheLinkUpOfferedBeforeIt() {
        // Offered from the core thread while it runs a bounded command (the status query's dependent runs there): the
        // core has drained its lifecycle lane already and takes the snapshot from the bounded lane next, as it does
        // when an accepted edge's first messages arrive while it works through a batch.
        AddressSnapshot snapshot = new AddressSnapshot("e1", 2, 1,
                List.of(new AddressEntry(Address.plain("svc"), 1)));
        loop.queryView().thenRun(() -> {
            loop.submitLinkUp(LINK, "e1", 2, 1, true);
            loop.submitMessage(LINK, snapshot);
        });
        loop.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> loop.forwarding().addresses().route("svc").remoteConsumers().containsKey("e1"));
    }

    /** Submits link activity until the bounded queue refuses one. */
    private void fillQueue() {
        for (int i = 0; loop.commandsRejected() == 0; i++) {
            assertThat(i).as("queue never filled").isLessThanOrEqualTo(CoreLoop.COMMAND_QUEUE_CAPACITY);
            loop.submitLinkActivity(LINK);
        }
    }

    /** A view taken once the queue has room again, so after every command submitted before it. */
    private RouterView viewAfterEverythingQueued() {
        AtomicReference<RouterView> view = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            CompletableFuture<RouterView> query = loop.queryView();
            if (query.isCompletedExceptionally()) {
                return false; // still full: ask again
            }
            view.set(query.get(30, TimeUnit.SECONDS));
            return true;
        });
        return view.get();
    }
}
