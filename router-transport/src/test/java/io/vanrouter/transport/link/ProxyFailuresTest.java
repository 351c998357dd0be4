package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** The wording of a failed CONNECT, from the messages Netty's HttpProxyHandler builds. */
class ProxyFailuresTest {
    private static final String PREFIX = "http, basic, /127.0.0.1:3128 => peer.example:55671, ";

    private static String describe(String tail) {
        return ProxyFailures.describe(new HttpProxyConnectException(PREFIX + tail, new DefaultHttpHeaders()));
    }

    @Test
    void shouldExplainEachCommonStatus() {
        assertThat(describe("status: 407 Proxy Authentication Required"))
                .isEqualTo("proxy refused: 407 Proxy Authentication Required (wrong or missing proxy credentials)");
        assertThat(describe("status: 401 Unauthorized")) // tinyproxy's answer to wrong credentials
                .isEqualTo("proxy refused: 401 Unauthorized (wrong or missing proxy credentials)");
        assertThat(describe("status: 500 Unable to connect")).startsWith("proxy answered 500 Unable to connect (the"
                + " proxy could not reach the peer");
        assertThat(describe("status: 403 Forbidden")).startsWith("proxy answered 403 Forbidden (the proxy does not"
                + " allow CONNECT to this host and port");
        assertThat(describe("status: 502 Bad Gateway")).startsWith("proxy answered 502 Bad Gateway (the proxy could"
                + " not reach the peer");
        assertThat(describe("status: 504 Gateway Time-out")).contains("504 Gateway Time-out", "timed out");
        assertThat(describe("status: 418 I'm a teapot")).isEqualTo("proxy answered 418 I'm a teapot");
    }

    @Test
    void shouldExplainATimeoutAndADisconnect() {
        assertThat(ProxyFailures.describe(new ProxyConnectException(PREFIX + "timeout")))
                .isEqualTo("proxy did not answer CONNECT within " + ProxyRoute.CONNECT_ANSWER_TIMEOUT_MILLIS + " ms");
        assertThat(ProxyFailures.describe(new ProxyConnectException(PREFIX + "disconnected")))
                .isEqualTo("proxy closed the connection before answering CONNECT");
    }

    @Test
    void shouldCallAFailedConnectionToTheProxyUnreachable() {
        assertThat(ProxyFailures.describe(new ConnectException("Connection refused")))
                .isEqualTo("proxy unreachable: Connection refused");
    }
}
