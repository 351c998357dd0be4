package io.vanrouter.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LinkProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peers[].proxy} and {@code peers[].proxyCredentialsFile}: an HTTP CONNECT proxy to dial a peer through. */
class PeerProxyConfigTest {
    private static final String HEAD = "router: {id: a}\ntls: {insecure: true}\npeers:\n";

    private static List<ConfigProblem> problems(String peers, Path source, Instant filesCheckedAt) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(HEAD + peers, source, filesCheckedAt));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems();
    }

    @Test
    void shouldReadAProxyWithCredentialsInTheUrl() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + "  - {host: interior.example, port: 55671,"
                + " proxy: 'http://alice:p%40ss:w@proxy.example:3128'}\n", null);

        assertThat(config.peers()).containsExactly(new Endpoint("interior.example", 55671, 1,
                new LinkProxy("proxy.example", 3128, "alice", "p@ss:w")));
        assertThat(config.peers().get(0).toString()).isEqualTo("interior.example:55671 via proxy proxy.example:3128");
    }

    @Test
    void shouldReadTheCredentialsFileWhenFilesAreChecked(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("proxy.creds"), "alice:s3cret:with:colons\n");
        String yaml = "  - {host: 10.0.0.1, port: 55671, proxy: 'http://[::1]:8080/',"
                + " proxyCredentialsFile: proxy.creds}\n";

        RouterConfig checked = ConfigLoader.parse(HEAD + yaml, dir.resolve("r.yaml"), Instant.now());
        assertThat(checked.peers().get(0).proxy()).isEqualTo(new LinkProxy("::1", 8080, "alice", "s3cret:with:colons"));
        // Without reading files (status, demo) the proxy is known, its credentials are not.
        RouterConfig unchecked = ConfigLoader.parse(HEAD + yaml, dir.resolve("r.yaml"));
        assertThat(unchecked.peers().get(0).proxy()).isEqualTo(new LinkProxy("::1", 8080));
    }

    @Test
    void shouldReportEveryBadProxyWithItsPathAndLineAndNeverThePassword() {
        List<ConfigProblem> problems = problems("""
                  - {host: h, port: 1, proxy: 'https://proxy:3128'}
                  - {host: h, port: 2, proxy: 'socks5://proxy:1080'}
                  - {host: h, port: 3, proxy: 'http://proxy'}
                  - {host: h, port: 4, proxy: 'http://bob:hunter2@proxy:99999'}
                  - {host: h, port: 5, proxy: 'http://proxy:3128/path'}
                  - {host: h, port: 6, proxy: 'http://bob@proxy:3128'}
                  - {host: h, port: 7, proxyCredentialsFile: creds}
                  - {host: h, port: 8, proxy: 'http://u:p@proxy:3128', proxyCredentialsFile: creds}
                  - {host: h, port: 9, prox: 'http://proxy:3128'}
                """, null, null);

        assertThat(problems).extracting(ConfigProblem::path, ConfigProblem::line).containsExactly(
                tuple("peers[0].proxy", 4), tuple("peers[1].proxy", 5), tuple("peers[2].proxy", 6),
                tuple("peers[3].proxy", 7), tuple("peers[4].proxy", 8), tuple("peers[5].proxy", 9),
                tuple("peers[6].proxyCredentialsFile", 10), tuple("peers[7].proxyCredentialsFile", 11),
                tuple("peers[8].prox", 12));
        assertThat(problems).extracting(ConfigProblem::message).satisfiesExactly(
                m -> assertThat(m).startsWith("https proxies are not supported; use http://HOST:PORT"),
                m -> assertThat(m).isEqualTo("must be http://HOST:PORT (an HTTP CONNECT proxy), got"
                        + " 'socks5://proxy:1080'"),
                m -> assertThat(m).startsWith("must name a port 1..65535, as in http://proxy:3128"),
                m -> assertThat(m).isEqualTo("must name a port 1..65535, as in http://proxy:3128; got"
                        + " 'http://***@proxy:99999'"),
                m -> assertThat(m).startsWith("must be http://HOST:PORT with no path"),
                m -> assertThat(m).startsWith("credentials in the URL must be user:password"),
                m -> assertThat(m).isEqualTo("needs a proxy (peers[].proxy: http://HOST:PORT)"),
                m -> assertThat(m).startsWith("the proxy URL has credentials already"),
                m -> assertThat(m).startsWith("unknown key 'prox'"));
    }

    @Test
    void shouldNotRewriteAFlowStylePeersListThatHasAProxyPeer() throws Exception {
        String text = HEAD.replace("peers:\n", "") + "peers: [{host: h, port: 1, proxy: 'http://proxy:3128'}]\n";
        RouterConfig config = ConfigLoader.parse(text, null);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigEditor.withPeerAndTls(text,
                config, new Endpoint("other", 2, 1), new ConfigEditor.TlsFiles("ca", "c", "k")));
        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .contains("cannot edit this file", "proxy");
    }

    @Test
    void shouldReportAnUnreadableOrMalformedCredentialsFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("no-colon"), "alice\n");
        List<ConfigProblem> problems = problems("""
                  - {host: h, port: 1, proxy: 'http://proxy:3128', proxyCredentialsFile: missing}
                  - {host: h, port: 2, proxy: 'http://proxy:3128', proxyCredentialsFile: no-colon}
                """, dir.resolve("r.yaml"), Instant.now());

        assertThat(problems).extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
                tuple("peers[0].proxyCredentialsFile", dir.resolve("missing") + ": cannot be read: no such file"),
                tuple("peers[1].proxyCredentialsFile", dir.resolve("no-colon") + ": expected one line user:password"));
    }
}
