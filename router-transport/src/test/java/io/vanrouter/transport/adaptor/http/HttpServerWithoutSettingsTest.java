package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.adaptor.http.HttpRouters.Router;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connector's "HTTP/2 server" that accepts TCP and never speaks (a wrong port, a hung process): its requests fail
 * with a 502 naming the cause once the server has had {@link Http2ServerPool#SETTINGS_TIMEOUT} to send its SETTINGS,
 * instead of hanging for as long as the client waits.
 */
@Timeout(60)
class HttpServerWithoutSettingsTest {

    @Test
    void shouldAnswer502WhenTheServerNeverSendsItsSettings() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HttpRouters routers = new HttpRouters()) {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new Silent())
                    .bind("127.0.0.1", 0).sync().channel();
            int serverPort = ((InetSocketAddress) server.localAddress()).getPort();
            Router a = routers.listenerAndConnector(HttpProtocol.HTTP1, serverPort, HttpProtocol.HTTP2);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + a.httpPort() + "/hello")).timeout(Duration.ofSeconds(40)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("no SETTINGS from the server");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Reads and drops whatever the client sends; never answers. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Silent extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
