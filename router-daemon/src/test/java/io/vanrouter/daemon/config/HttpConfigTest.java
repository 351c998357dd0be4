package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.http.HttpProtocol;
import io.vanrouter.transport.adaptor.http.HttpSettings;
import org.junit.jupiter.api.Test;

class HttpConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\n";

    @Test
    void shouldLoadListenersAndConnectorsWithProtocolAndDistribution() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                addresses:
                  - prefix: api
                    distribution: closest
                http:
                  listeners:
                    - {address: api, host: 127.0.0.1, port: 8080, protocol: http2}
                    - {address: web, host: 127.0.0.1, port: 8081, protocol: http1}
                  connectors:
                    - {address: api, host: 10.0.0.7, port: 50051, protocol: http2}
                """, null);

        assertThat(config.http().listeners()).extracting(l -> l.address(), l -> l.port(), l -> l.protocol(),
                l -> l.distribution()).containsExactly(
                tuple("api", 8080, HttpProtocol.HTTP2, Distribution.CLOSEST),
                tuple("web", 8081, HttpProtocol.HTTP1, Distribution.BALANCED));
        assertThat(config.http().connectors()).extracting(c -> c.host(), c -> c.port(), c -> c.protocol())
                .containsExactly(tuple("10.0.0.7", 50051, HttpProtocol.HTTP2));
    }

    @Test
    void shouldDefaultToNoHttp() throws Exception {
        assertThat(ConfigLoader.parse(HEAD, null).http()).isEqualTo(HttpSettings.NONE);
    }

    @Test
    void shouldReportBadEntriesWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                http:
                  listeners:
                    - {address: api, host: 127.0.0.1, port: 70000, protocol: http2}
                    - {address: api, host: 127.0.0.1, port: 8080, protocol: spdy}
                    - {address: api, host: 127.0.0.1, port: 8081}
                  connectors:
                    - {address: api, host: h, port: 80, protocol: http1}
                    - {address: api, host: h2, port: 80, protocol: http1}
                  upgrade: true
                tcp:
                  listeners:
                    - {address: "http:x", host: 127.0.0.1, port: 80}
                """)).extracting(ConfigProblem::path, ConfigProblem::line).contains(
                tuple("http.listeners[0].port", 6),
                tuple("http.listeners[1].protocol", 7),
                tuple("http.listeners[2].protocol", 8),
                tuple("http.connectors[1]", 11),
                tuple("http.upgrade", 12),
                tuple("tcp.listeners[0].address", 15));
    }
}
