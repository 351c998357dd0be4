package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.core.address.Distribution;
import org.junit.jupiter.api.Test;

class TcpConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\n";

    @Test
    void shouldLoadListenersAndConnectorsWithDistributionFromAddressRules() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                addresses:
                  - prefix: db
                    distribution: closest
                tcp:
                  listeners:
                    - address: backend
                      host: 127.0.0.1
                      port: 8080
                    - address: db
                      host: 127.0.0.1
                      port: 5432
                  connectors:
                    - address: backend
                      host: 10.0.0.5
                      port: 80
                """, null);

        assertThat(config.tcpListeners()).extracting(l -> l.address(), l -> l.port(), l -> l.distribution())
                .containsExactly(tuple("backend", 8080, Distribution.BALANCED), tuple("db", 5432,
                        Distribution.CLOSEST));
        assertThat(config.tcpConnectors()).singleElement().satisfies(c -> {
            assertThat(c.address()).isEqualTo("backend");
            assertThat(c.host()).isEqualTo("10.0.0.5");
            assertThat(c.port()).isEqualTo(80);
        });
        assertThat(config.tcpSettings().listeners()).hasSize(2);
    }

    @Test
    void shouldReportBadEntriesWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                tcp:
                  listeners:
                    - address: backend
                      host: 127.0.0.1
                      port: 70000
                    - host: 127.0.0.1
                      port: 8081
                  connectors:
                    - address: backend
                      host: h
                      port: 80
                    - address: backend
                      host: h2
                      port: 81
                  proxies: []
                """)).extracting(ConfigProblem::path, ConfigProblem::line).contains(
                tuple("tcp.listeners[0].port", 8),
                tuple("tcp.listeners[1].address", 9),
                tuple("tcp.connectors[1]", 15),
                tuple("tcp.proxies", 18));
    }
}
