package io.vanrouter.transport.adaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.amqp.AmqpAdaptor;
import io.vanrouter.transport.adaptor.amqp.AmqpSettings;
import io.vanrouter.transport.adaptor.http.HttpAdaptor;
import io.vanrouter.transport.adaptor.http.HttpListenerSettings;
import io.vanrouter.transport.adaptor.http.HttpProtocol;
import io.vanrouter.transport.adaptor.http.HttpSettings;
import io.vanrouter.transport.adaptor.mqtt.MqttAdaptor;
import io.vanrouter.transport.adaptor.mqtt.MqttSettings;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import io.vanrouter.transport.adaptor.tcp.TcpSettings;
import io.vanrouter.transport.adaptor.udp.UdpAdaptor;
import io.vanrouter.transport.adaptor.udp.UdpListenerSettings;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import io.vanrouter.transport.link.LinkRegistry;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.stream.StreamRouter;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A close of an adaptor that races its start, as {@code TransportServer.close()} on a shutdown thread may: whether
 * the close comes while a listener's bind is pending or before the start got to its listener, the start reports that
 * it was closed and the port is free afterwards. The event loops stay up, as when routers share them, so nothing but
 * the adaptor can let go of the port.
 *
 * <p>The adaptors run on one event loop, which the first test keeps busy: the listener's bind waits in its queue, its
 * future pending, until the test has closed the adaptor.
 */
@Timeout(30)
class AdaptorCloseDuringStartTest {
    private static final String HOST = "127.0.0.1";
    private static final long WAIT_SECONDS = 10;

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SingleThreadEventLoop loop = (SingleThreadEventLoop) loops.next();
    /** Ends the task that keeps {@link #loop} busy. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService starter = Executors.newSingleThreadExecutor();
    private final RoutingView routing = RoutingView.empty("a");
    private final AdaptorContext context = new AdaptorContext("a", loops, NioServerSocketChannel.class,
            NioSocketChannel.class, NioDatagramChannel.class, DefaultAddressResolverGroup.INSTANCE,
            new StreamRouter("a", () -> RoutingTable.empty("a")), new MessageRouter("a", 1,
                    TransportSettings.MAX_FRAME_BYTES_DEFAULT, routing::forwarding, new LinkRegistry("a")),
            routing, new IgnoredConsumers());

    /** Each adaptor with one listener on a given port. */
    enum Kind {
        TCP, UDP, HTTP, MQTT, AMQP;

        ProtocolAdaptor listeningOn(int port) {
            return switch (this) {
                case TCP -> new TcpAdaptor(new TcpSettings(List.of(new TcpListenerSettings("db", HOST, port)),
                        List.of()));
                case UDP -> new UdpAdaptor(new UdpSettings(List.of(new UdpListenerSettings("dns", HOST, port)),
                        List.of()));
                case HTTP -> new HttpAdaptor(new HttpSettings(List.of(new HttpListenerSettings("api", HOST, port,
                        HttpProtocol.HTTP1)), List.of()));
                case MQTT -> new MqttAdaptor(MqttSettings.defaults(HOST, port));
                case AMQP -> new AmqpAdaptor(AmqpSettings.defaults(HOST, port));
            };
        }

        /** A port nothing is bound to now, of the listener's protocol. */
        int freePort() throws IOException {
            if (this == UDP) {
                try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                    return socket.getLocalPort();
                }
            }
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                return socket.getLocalPort();
            }
        }

        /**
         * Binds {@code port} again, which fails while the adaptor's listener holds it. Waits a little: a closed NIO
         * channel's socket is released by its event loop's next select.
         */
        void assertPortFree(int port) {
            await().atMost(Duration.ofSeconds(WAIT_SECONDS)).untilAsserted(() -> assertThatCode(() -> {
                if (this == UDP) {
                    new DatagramSocket(new InetSocketAddress(HOST, port)).close();
                } else {
                    new ServerSocket(port, 1, InetAddress.getByName(HOST)).close();
                }
            }).as("%s port %d is free once the adaptor is closed", this, port).doesNotThrowAnyException());
        }
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        starter.shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLetGoOfThePortWhenClosedWhileTheListenerBinds(Kind kind) throws Exception {
        int port = kind.freePort();
        ProtocolAdaptor adaptor = kind.listeningOn(port);
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            awaitQuietly(release);
        });
        assertThat(busy.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Future<?> start = starter.submit(() -> {
            adaptor.start(context);
            return null;
        });
        // the listener's bind waits behind the busy task, its future pending
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> loop.pendingTasks() > 0);

        adaptor.close();
        release.countDown();

        Throwable failure = catchThrowable(() -> {
            try {
                start.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        });
        kind.assertPortFree(port);
        assertThat(failure).as("the start reports the close, not success").isInstanceOf(IOException.class)
                .hasMessageContaining("closed while binding");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldLetGoOfThePortWhenClosedBeforeTheStartGotToTheListener(Kind kind) throws Exception {
        int port = kind.freePort();
        ProtocolAdaptor adaptor = kind.listeningOn(port);

        adaptor.close(); // the transport closes every adaptor it was given, started yet or not
        Throwable failure = catchThrowable(() -> adaptor.start(context));

        kind.assertPortFree(port);
        assertThat(failure).as("the start reports the close, not success").isInstanceOf(IOException.class)
                .hasMessageContaining("closed while");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS); // bounded: a failing test does not hold the loop for long
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class IgnoredConsumers implements LocalConsumers {
        @Override
        public void submitAddConsumer(Address address) {
        }

        @Override
        public void submitRemoveConsumer(Address address) {
        }
    }
}
