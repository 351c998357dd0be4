package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.nio.file.Path;
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

    @Test
    void shouldReadTlsMappingsWithoutTouchingTheFilesWhenNotAsked() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                tcp:
                  listeners:
                    - {address: db, host: 127.0.0.1, port: 5432, tls: {cert: s.crt, key: s.key}}
                  connectors:
                    - {address: db, host: db, port: 5432, tls: {verifyHostname: false, serverName: db.example}}
                """, Path.of("/etc/vanrouter/r.yaml"));

        assertThat(config.tcpListeners().get(0).tls()).isEqualTo(new TcpListenerSettings.Tls(
                Path.of("/etc/vanrouter/s.crt"), Path.of("/etc/vanrouter/s.key"), null));
        assertThat(config.tcpConnectors().get(0).tls()).isEqualTo(new TcpConnectorSettings.Tls(null, null, null,
                "db.example", false));
    }

    @Test
    void shouldReportBadTlsMappingsWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                tcp:
                  listeners:
                    - address: db
                      host: 127.0.0.1
                      port: 5432
                      tls:
                        cert: s.crt
                        ca: ca.crt
                  connectors:
                    - address: db
                      host: db
                      port: 5432
                      tls:
                        cert: c.crt
                        verifyHost: false
                        verifyHostname: "no"
                """)).extracting(ConfigProblem::path, ConfigProblem::line, ConfigProblem::message).containsExactly(
                tuple("tcp.listeners[0].tls.key", 10, "is required"),
                tuple("tcp.listeners[0].tls.ca", 11, "unknown key 'ca'; known keys: cert, key, clientCa"),
                tuple("tcp.connectors[0].tls.cert", 17, "a client certificate needs its key: add tls.key"),
                tuple("tcp.connectors[0].tls.verifyHost", 18, "unknown key 'verifyHost'; known keys: ca, cert, key,"
                        + " serverName, verifyHostname"),
                tuple("tcp.connectors[0].tls.verifyHostname", 19, "must be true or false, got the string \"no\""));
    }
}
