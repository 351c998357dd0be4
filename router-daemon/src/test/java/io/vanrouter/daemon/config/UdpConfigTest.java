package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import org.junit.jupiter.api.Test;

class UdpConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\n";

    @Test
    void shouldLoadListenersConnectorsAndIdleTimeout() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                addresses:
                  - prefix: dns
                    distribution: closest
                udp:
                  flowIdleTimeoutMillis: 5000
                  listeners:
                    - {address: dns, host: 127.0.0.1, port: 5353}
                  connectors:
                    - {address: dns, host: 10.0.0.53, port: 53}
                """, null);

        assertThat(config.udp().flowIdleTimeoutMillis()).isEqualTo(5_000);
        assertThat(config.udp().listeners()).extracting(l -> l.address(), l -> l.port(), l -> l.distribution())
                .containsExactly(tuple("dns", 5353, Distribution.CLOSEST));
        assertThat(config.udp().connectors()).extracting(c -> c.host(), c -> c.port())
                .containsExactly(tuple("10.0.0.53", 53));
    }

    @Test
    void shouldDefaultToNoUdpAndThirtySecondFlows() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD, null);

        assertThat(config.udp()).isEqualTo(UdpSettings.NONE);
        assertThat(config.udp().flowIdleTimeoutMillis()).isEqualTo(30_000);
    }

    @Test
    void shouldReportBadEntriesWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                udp:
                  flowIdleTimeoutMillis: 10
                  listeners:
                    - {address: dns, host: 127.0.0.1, port: 70000}
                    - {host: 127.0.0.1, port: 5353}
                  connectors:
                    - {address: dns, host: h, port: 53}
                    - {address: dns, host: h2, port: 53}
                  multicast: true
                tcp:
                  listeners:
                    - {address: "udp:x", host: 127.0.0.1, port: 80}
                """)).extracting(ConfigProblem::path, ConfigProblem::line).contains(
                tuple("udp.flowIdleTimeoutMillis", 5),
                tuple("udp.listeners[0].port", 7),
                tuple("udp.listeners[1].address", 8),
                tuple("udp.connectors[1]", 11),
                tuple("udp.multicast", 12),
                tuple("tcp.listeners[0].address", 15));
    }
}
