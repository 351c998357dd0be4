package io.vanrouter.daemon.cli;

import static io.vanrouter.daemon.cli.Security.NOW;
import static io.vanrouter.daemon.cli.Security.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config's judgement of the files of TCP listeners' and connectors' tls mappings. */
class CheckConfigTcpTlsTest {
    @TempDir
    Path tmp;
    Path site;
    Path config;

    @BeforeEach
    void credentials() {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");
        site = tmp.resolve("site");
        Security.issue(NOW, ca, "site-b", site);
        Security.issue(NOW, ca, "site-c", site);
        config = site.resolve("site-b.yaml");
    }

    /** Line 10: the listener's tls; line 15: the connector's. */
    void writeConfig(String listenerTls, String connectorTls) throws Exception {
        Files.writeString(config, """
                router: {id: site-b, network: acme}
                peers: [{host: localhost, port: 55671}]
                tls: {ca: ca.crt, cert: site-b.crt, key: site-b.key}
                tcp:
                  listeners:
                    - address: db
                      host: 127.0.0.1
                      port: 5432
                      tls:
                        %s
                  connectors:
                    - address: db
                      host: db.internal
                      port: 5432
                      tls: %s
                """.formatted(listenerTls, connectorTls));
    }

    @Test
    void shouldPassGoodTlsFilesAndLoadThemRelativeToTheConfig() throws Exception {
        writeConfig("{cert: site-b.crt, key: site-b.key, clientCa: ca.crt}",
                "{ca: ca.crt, cert: site-c.crt, key: site-c.key, serverName: db.example.net}");

        CliRun run = now("check-config", config.toString());
        RouterConfig loaded = ConfigLoader.load(config);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(loaded.tcpListeners().get(0).tls()).isEqualTo(new TcpListenerSettings.Tls(
                site.resolve("site-b.crt"), site.resolve("site-b.key"), site.resolve("ca.crt")));
        assertThat(loaded.tcpConnectors().get(0).tls()).isEqualTo(new TcpConnectorSettings.Tls(site.resolve("ca.crt"),
                site.resolve("site-c.crt"), site.resolve("site-c.key"), "db.example.net", true));
    }

    @Test
    void shouldDefaultToTheSystemTrustStoreAndHostNameChecksWithAnEmptyConnectorTls() throws Exception {
        writeConfig("{cert: site-b.crt, key: site-b.key}", "{}");

        CliRun run = now("check-config", config.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ConfigLoader.load(config).tcpConnectors().get(0).tls()).isEqualTo(
                new TcpConnectorSettings.Tls(null, null, null, null, true));
    }

    @Test
    void shouldReportMissingFilesWithTheirPaths() throws Exception {
        writeConfig("{cert: site-b.crt, key: nope.key}", "{ca: nope-ca.crt}");

        CliRun run = now("check-config", config.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().lines()).containsExactly(
                config + ":10: tcp.listeners[0].tls.key: file not found: " + site.resolve("nope.key"),
                config + ":15: tcp.connectors[0].tls.ca: file not found: " + site.resolve("nope-ca.crt"));
    }

    @Test
    void shouldReportAKeyThatDoesNotBelongToItsCertificate() throws Exception {
        writeConfig("{cert: site-b.crt, key: site-c.key}", "{cert: site-c.crt, key: site-b.key}");

        CliRun run = now("check-config", config.toString());

        assertThat(run.err().lines()).containsExactly(
                config + ":10: tcp.listeners[0].tls.key: the key in " + site.resolve("site-c.key") + " does not belong"
                        + " to the certificate in " + site.resolve("site-b.crt") + "; use the key that was issued"
                        + " with it",
                config + ":15: tcp.connectors[0].tls.key: the key in " + site.resolve("site-b.key") + " does not"
                        + " belong to the certificate in " + site.resolve("site-c.crt") + "; use the key that was"
                        + " issued with it");
    }

    @Test
    void shouldReportAFileThatHoldsNoCertificate() throws Exception {
        writeConfig("{cert: site-b.key, key: site-b.key}", "{ca: site-b.yaml}");

        CliRun run = now("check-config", config.toString());

        assertThat(run.err().lines()).containsExactly(
                config + ":10: tcp.listeners[0].tls.cert: " + site.resolve("site-b.key") + " holds no PEM certificate",
                config + ":15: tcp.connectors[0].tls.ca: " + site.resolve("site-b.yaml") + " holds no PEM certificate");
    }
}
