package io.vanrouter.daemon.cli;

import static io.vanrouter.daemon.cli.Security.NOW;
import static io.vanrouter.daemon.cli.Security.at;
import static io.vanrouter.daemon.cli.Security.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config's judgement of the tls section's files: one problem line each, naming the file. */
class CheckConfigTlsTest {
    @TempDir
    Path tmp;
    Path ca;
    Path site;
    Path config;

    @BeforeEach
    void network() throws Exception {
        ca = Security.ca(tmp.resolve("ca"), "acme");
        site = tmp.resolve("site");
        Security.issue(NOW, ca, "site-b", site);
        config = site.resolve("site-b.yaml");
    }

    void writeConfig(String routerId, String tls) throws Exception {
        Files.writeString(config, "router:\n  id: " + routerId + "\n  network: acme\npeers:\n  - host: localhost\n"
                + "    port: 55671\ntls:\n" + tls);
    }

    CliRun check() {
        return now("check-config", config.toString());
    }

    @Test
    void shouldPassGoodFilesAndLoadThemAsSettings() throws Exception {
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n");

        CliRun run = check();
        RouterConfig loaded = ConfigLoader.load(config);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("config OK: router site-b, 0 listeners, 1 peer, tls until "
                + NOW.plus(Duration.ofDays(365)));
        assertThat(loaded.tls()).isEqualTo(TlsSettings.files(site.resolve("ca.crt"), site.resolve("site-b.crt"),
                site.resolve("site-b.key"), null));
    }

    @Test
    void shouldReportMissingFilesWithTheirPaths() throws Exception {
        writeConfig("site-b", "  ca: ca.crt\n  cert: nope.crt\n  key: nope.key\n  crl: nope.crl\n");

        CliRun run = check();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().lines()).containsExactly(
                config + ":9: tls.cert: file not found: " + site.resolve("nope.crt"),
                config + ":10: tls.key: file not found: " + site.resolve("nope.key"),
                config + ":11: tls.crl: file not found: " + site.resolve("nope.crl"));
    }

    @Test
    void shouldReportFilesThatHoldNoCertificateOrKey() throws Exception {
        Files.writeString(site.resolve("junk.crt"), "hello\n");
        writeConfig("site-b", "  ca: junk.crt\n  cert: site-b.crt\n  key: site-b.crt\n");

        CliRun run = check();

        assertThat(run.err().lines()).containsExactly(
                config + ":8: tls.ca: " + site.resolve("junk.crt") + " holds no PEM certificate",
                config + ":10: tls.key: " + site.resolve("site-b.crt")
                        + " holds no usable private key (no unencrypted PEM private key in it)");
    }

    @Test
    void shouldReportAnExpiredCertificate() throws Exception {
        Path older = tmp.resolve("older");
        at(NOW.minus(Duration.ofDays(10)), "certs", "ca", "--network", "acme", "--out", older.toString());
        Security.issue(NOW.minus(Duration.ofDays(3)), older, "site-b", site, "--days", "1", "--force");
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n");

        CliRun run = check();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo(config + ":9: tls.cert: the certificate in "
                + site.resolve("site-b.crt")
                + " expired at " + NOW.minus(Duration.ofDays(2)) + "; get a new one (vanrouter certs issue, or a new"
                + " join token)");
    }

    @Test
    void shouldReportACertificateNotValidYet() throws Exception {
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n");

        CliRun run = at(NOW.minus(Duration.ofDays(1)), "check-config", config.toString());

        assertThat(run.err().lines()).containsExactly(
                config + ":8: tls.ca: the CA certificate in " + site.resolve("ca.crt") + " is not valid before "
                        + NOW.minus(Duration.ofHours(1)) + "; check this machine's clock",
                config + ":9: tls.cert: the certificate in " + site.resolve("site-b.crt") + " is not valid before "
                        + NOW.minus(Duration.ofHours(1)) + "; check this machine's clock");
    }

    @Test
    void shouldReportAKeyThatDoesNotMatchTheCertificate() throws Exception {
        Security.issue(NOW, ca, "site-c", site);
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-c.key\n");

        CliRun run = check();

        assertThat(run.err().strip()).isEqualTo(config + ":10: tls.key: the key in " + site.resolve("site-c.key")
                + " does not belong to the certificate in " + site.resolve("site-b.crt") + "; use the key that was"
                + " issued with it");
    }

    @Test
    void shouldReportACertificateFromAnotherCa() throws Exception {
        Path other = Security.ca(tmp.resolve("other"), "acme");
        writeConfig("site-b", "  ca: " + other.resolve("ca.crt") + "\n  cert: site-b.crt\n  key: site-b.key\n");

        CliRun run = check();

        assertThat(run.err().strip()).isEqualTo(config + ":9: tls.cert: the certificate in "
                + site.resolve("site-b.crt")
                + " was not issued by the CA in " + other.resolve("ca.crt") + " (its issuer is 'O=vanrouter,CN=acme');"
                + " use the ca.crt that came with it, or a certificate from this network's CA");
    }

    @Test
    void shouldReportACertificateForAnotherRouter() throws Exception {
        writeConfig("site-x", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n");

        CliRun run = check();

        assertThat(run.err().strip()).isEqualTo(config + ":9: tls.cert: the certificate in "
                + site.resolve("site-b.crt")
                + " is for router 'site-b' but router.id is 'site-x'; use the certificate issued to site-x, or correct"
                + " router.id");
    }

    @Test
    void shouldReportAnUnreadableRevocationList() throws Exception {
        Files.writeString(site.resolve("revoked.crl"), "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n  crl: revoked.crl\n");

        CliRun run = check();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).startsWith(config + ":11: tls.crl: " + site.resolve("revoked.crl")
                + " holds no PEM revocation list (").endsWith("); copy the network's revoked.crl again");
    }

    @Test
    void shouldReportARevocationListFromAnotherCa() throws Exception {
        Path other = Security.ca(tmp.resolve("other"), "acme");
        Security.issue(NOW, other, "site-z", tmp.resolve("z"));
        assertThat(now("certs", "revoke", "--ca", other.toString(), "--router", "site-z").exitCode()).isZero();
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n  crl: "
                + other.resolve("revoked.crl") + "\n");

        CliRun run = check();

        assertThat(run.err().strip()).isEqualTo(config + ":11: tls.crl: the revocation list in "
                + other.resolve("revoked.crl") + " is not signed by the CA in " + site.resolve("ca.crt")
                + "; copy revoked.crl from this network's CA directory");
    }

    @Test
    void shouldReportItsOwnCertificateRevoked() throws Exception {
        Security.issue(NOW, ca, "site-c", tmp.resolve("c"));
        assertThat(now("certs", "revoke", "--ca", ca.toString(), "--router", "site-c").exitCode()).isZero();
        writeConfig("site-b", "  ca: ca.crt\n  cert: site-b.crt\n  key: site-b.key\n  crl: "
                + ca.resolve("revoked.crl") + "\n");
        CliRun notRevoked = check();
        assertThat(now("certs", "revoke", "--ca", ca.toString(), "--router", "site-b").exitCode()).isZero();

        CliRun revoked = check();

        assertThat(notRevoked.exitCode()).as(notRevoked.err()).isZero();
        assertThat(revoked.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(revoked.err().strip()).isEqualTo(config + ":9: tls.cert: the certificate in "
                + site.resolve("site-b.crt") + " (serial " + Security.certificate(site.resolve("site-b.crt"))
                        .getSerialNumber().toString(16) + ") is revoked by the list in " + ca.resolve("revoked.crl")
                + "; this router needs a new certificate from the network's operator");
    }

    @Test
    void shouldPassInsecureWithoutFiles() throws Exception {
        writeConfig("site-b", "  insecure: true\n");

        CliRun run = check();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 peer, tls insecure");
    }
}
