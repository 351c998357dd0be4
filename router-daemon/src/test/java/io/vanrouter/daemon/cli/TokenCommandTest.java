package io.vanrouter.daemon.cli;

import static io.vanrouter.daemon.cli.Security.NOW;
import static io.vanrouter.daemon.cli.Security.at;
import static io.vanrouter.daemon.cli.Security.mode;
import static io.vanrouter.daemon.cli.Security.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.TlsSettings;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.tls.RouterIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    static final String BEGIN = "-----BEGIN VANROUTER JOIN TOKEN-----\n";
    static final String END = "-----END VANROUTER JOIN TOKEN-----";

    @TempDir
    Path tmp;
    Path ca;
    Path token;
    Path site;
    Path config;

    @BeforeEach
    void network() {
        ca = Security.ca(tmp.resolve("ca"), "acme");
        token = tmp.resolve("site-b.token");
        site = tmp.resolve("site");
        config = site.resolve("site-b.yaml");
    }

    CliRun create(String router, String... more) {
        CliRun run = now(Security.concat(new String[] {"token", "create", "--ca", ca.toString(), "--router", router,
            "--peer", "127.0.0.1:55671", "--cost", "3", "--out", token.toString()}, more));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    CliRun redeem() {
        return now("token", "redeem", token.toString(), "--config", config.toString());
    }

    @Test
    void shouldWriteOneTokenFileReadableByTheOwnerOnly() throws Exception {
        CliRun run = create("site-b");

        assertThat(run.out()).startsWith("join token for router site-b of network acme: " + token + " (mode 0600),"
                + " dials 127.0.0.1:55671 at cost 3, expires " + NOW.plus(Duration.ofHours(24)));
        assertThat(mode(token)).isEqualTo("rw-------");
        assertThat(Files.readString(token)).startsWith("# vanrouter join token: router site-b of network acme")
                .contains(BEGIN, "-----BEGIN VANROUTER JOIN TOKEN SIGNATURE-----");
        assertThat(Files.readString(ca.resolve("issued.tsv"))).contains("\tsite-b\n");
    }

    @Test
    void shouldRedeemIntoANewConfigurationThatChecksClean() throws Exception {
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + config + " with peer 127.0.0.1:55671 (cost 3), tls section");
        RouterConfig loaded = ConfigLoader.load(config);
        assertThat(loaded.routerId()).isEqualTo("site-b");
        assertThat(loaded.network()).isEqualTo("acme");
        assertThat(loaded.peers()).containsExactly(new Endpoint("127.0.0.1", 55671, 3));
        assertThat(loaded.tls()).isEqualTo(TlsSettings.files(site.resolve("ca.crt"), site.resolve("site-b.crt"),
                site.resolve("site-b.key"), null));
        assertThat(RouterIdentity.routerIdOf(Security.certificate(site.resolve("site-b.crt")))).contains("site-b");
        assertThat(Files.readString(site.resolve("ca.crt"))).isEqualTo(Files.readString(ca.resolve("ca.crt")));
        assertThat(mode(site.resolve("site-b.key"))).isEqualTo("rw-------");
        CliRun check = now("check-config", config.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
    }

    @Test
    void shouldAddThePeerAndTlsToAnExistingConfigurationKeepingEveryOtherLine() throws Exception {
        String before = """
                # site B, at the edge
                router:
                  id: site-b
                  network: acme   # the demo network

                listen:
                  - host: 0.0.0.0
                    port: 55672
                peers:
                  - host: 10.0.0.9   # the old way in
                    port: 55671
                    cost: 2

                # management stays local
                management:
                  port: 9300
                """;
        Files.createDirectories(site);
        Files.writeString(config, before);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(config)).isEqualTo("""
                # site B, at the edge
                router:
                  id: site-b
                  network: acme   # the demo network

                listen:
                  - host: 0.0.0.0
                    port: 55672
                peers:
                  - host: 10.0.0.9   # the old way in
                    port: 55671
                    cost: 2
                  - host: "127.0.0.1"
                    port: 55671
                    cost: 3

                # management stays local
                management:
                  port: 9300
                tls:
                  ca: ca.crt
                  cert: site-b.crt
                  key: site-b.key
                """);
        assertThat(mode(config)).isEqualTo("rw-r-----");
        assertThat(ConfigLoader.load(config).peers()).containsExactly(new Endpoint("10.0.0.9", 55671, 2),
                new Endpoint("127.0.0.1", 55671, 3));
        assertThat(now("check-config", config.toString()).exitCode()).isZero();
    }

    @Test
    void shouldAddAPeersListAndReplaceAnInsecureTlsSection() throws Exception {
        Files.createDirectories(site);
        Files.writeString(config, "tls: {insecure: true}\nrouter: {id: site-b, network: acme}\n"
                + "listen: [{host: 0.0.0.0, port: 0}]\n");
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(config)).isEqualTo("tls:\n  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n"
                + "router: {id: site-b, network: acme}\nlisten: [{host: 0.0.0.0, port: 0}]\n"
                + "peers:\n  - host: \"127.0.0.1\"\n    port: 55671\n    cost: 3\n");
        assertThat(now("check-config", config.toString()).exitCode()).isZero();
    }

    @Test
    void shouldRefuseAnExpiredTokenAndSayWhen() {
        create("site-b", "--expires", "24h");

        CliRun run = at(NOW.plus(Duration.ofHours(25)), "token", "redeem", token.toString(), "--config",
                config.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " expired at " + NOW.plus(Duration.ofHours(24)) + " (1h 0m"
                + " ago); ask the network's operator for a new token for router site-b");
        assertThat(site).doesNotExist();
    }

    @Test
    void shouldRefuseATamperedToken() throws Exception {
        create("site-b");
        String text = Files.readString(token);
        int from = text.indexOf(BEGIN) + BEGIN.length();
        int to = text.indexOf(END);
        String payload = new String(Base64.getMimeDecoder().decode(text.substring(from, to)), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"peerPort\":55671");
        String forged = Base64.getMimeEncoder().encodeToString(payload.replace("\"peerPort\":55671",
                "\"peerPort\":6666").getBytes(StandardCharsets.UTF_8));
        Files.writeString(token, text.substring(0, from) + forged + "\n" + text.substring(to));

        CliRun run = redeem();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " has been altered: its signature does not verify against"
                + " the CA inside it; do not use it, and ask the network's operator for a new token");
        assertThat(site).doesNotExist();
    }

    @Test
    void shouldRefuseATruncatedToken() throws Exception {
        create("site-b");
        Files.writeString(token, Files.readString(token).substring(0, 400));

        CliRun run = redeem();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " is not a readable join token (no -----BEGIN VANROUTER JOIN"
                + " TOKEN----- ... -----END VANROUTER JOIN TOKEN----- block); ask for the token file again, whole and"
                + " unchanged (vanrouter token create writes it)");
    }

    @Test
    void shouldRefuseATokenForAnotherRouter() throws Exception {
        Files.createDirectories(site);
        Files.writeString(config, "router: {id: site-c, network: acme}\npeers: [{host: localhost, port: 1}]\n");
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " is for router site-b but " + config + " says router.id"
                + " site-c; redeem it on the site of router site-b, or ask for a token for site-c");
    }

    @Test
    void shouldRefuseATokenForAnotherNetwork() throws Exception {
        Path globex = Security.ca(tmp.resolve("globex"), "globex");
        Security.issue(NOW, globex, "site-b", site);
        Files.writeString(config, "router: {id: site-b, network: globex}\npeers: [{host: localhost, port: 1}]\n"
                + "tls: {ca: ca.crt, cert: site-b.crt, key: site-b.key}\n");
        String before = Files.readString(config);
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " is for network acme but " + config + " has the CA of"
                + " network globex (" + site.resolve("ca.crt") + "); ask for a token from network globex's CA");
        assertThat(Files.readString(config)).isEqualTo(before);
    }

    @Test
    void shouldRefuseATokenFromAnotherCaOfTheSameName() throws Exception {
        Security.issue(NOW, ca, "site-b", site);
        Files.writeString(config, "router: {id: site-b, network: acme}\npeers: [{host: localhost, port: 1}]\n"
                + "tls: {ca: ca.crt, cert: site-b.crt, key: site-b.key}\n");
        ca = Security.ca(tmp.resolve("impostor"), "acme");
        create("site-b");

        CliRun run = redeem();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(token + " comes from another CA than the one in "
                + site.resolve("ca.crt") + ", though both are named acme; ask for a token from the CA this site uses");
    }

    @Test
    void shouldRefuseATokenAlreadyRedeemed() {
        create("site-b");
        assertThat(redeem().exitCode()).isZero();

        CliRun again = redeem();

        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(again.err().strip()).isEqualTo(token + " is already redeemed: " + site.resolve("site-b.crt")
                + " holds its certificate; nothing to do (delete the token file)");
    }

    @Test
    void shouldRefuseToReplaceOtherCredentialsWithoutForce() throws Exception {
        create("site-b");
        assertThat(redeem().exitCode()).isZero();
        create("site-b", "--force");

        CliRun again = redeem();
        CliRun forced = now("token", "redeem", token.toString(), "--config", config.toString(), "--force");

        assertThat(again.err().strip()).isEqualTo(config + " already has credentials for router site-b (tls.cert "
                + site.resolve("site-b.crt") + "); pass --force to replace them with the token's");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(now("check-config", config.toString()).exitCode()).isZero();
        assertThat(Files.readString(config)).containsOnlyOnce("127.0.0.1").containsOnlyOnce("tls:");
    }

    @Test
    void shouldRefuseAPeerThatIsNotHostAndPort() {
        CliRun run = now("token", "create", "--ca", ca.toString(), "--router", "site-b", "--peer", "::1:55671",
                "--out", token.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--peer must be HOST:PORT with a port 1..65535 (an IPv6 address in brackets:"
                + " [::1]:55671), got '::1:55671'");
        assertThat(token).doesNotExist();
    }
}
