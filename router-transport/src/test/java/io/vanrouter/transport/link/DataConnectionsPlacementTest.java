package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where an accepted data connection should live: one connection of a link per loop where it can. */
class DataConnectionsPlacementTest {
    private final EmbeddedChannel first = new EmbeddedChannel();
    private final EmbeddedChannel second = new EmbeddedChannel();
    private final EventLoop firstLoop = first.eventLoop();
    private final EventLoop otherLoop = new EmbeddedChannel().eventLoop(); // each has a loop of its own
    private final DataConnections data = new DataConnections(3);

    @Test
    void shouldStayWhereNoOtherConnectionOfTheLinkIs() {
        assertThat(data.homeFor(firstLoop, List.of(firstLoop, otherLoop))).isNull();
    }

    @Test
    void shouldMoveToALoopWithoutOneWhenItsLoopHasOneAlready() {
        data.attach(first);

        assertThat(data.homeFor(firstLoop, List.of(firstLoop, otherLoop))).isSameAs(otherLoop);
    }

    @Test
    void shouldStayWhenEveryLoopHasOne() {
        data.attach(first);
        data.attach(second);

        assertThat(data.homeFor(firstLoop, List.of(firstLoop, second.eventLoop()))).isNull();
    }
}
