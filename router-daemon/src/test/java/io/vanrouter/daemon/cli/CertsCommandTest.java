package io.vanrouter.daemon.cli;

import static io.vanrouter.daemon.cli.Security.NOW;
import static io.vanrouter.daemon.cli.Security.certificate;
import static io.vanrouter.daemon.cli.Security.mode;
import static io.vanrouter.daemon.cli.Security.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.security.KeyPairs;
import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.RevocationList;
import io.vanrouter.transport.tls.RouterIdentity;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shouldMakeANetworkCaWithItsKeyReadableByTheOwnerOnly() throws Exception {
        Path dir = tmp.resolve("ca");

        CliRun run = now("certs", "ca", "--network", "acme", "--out", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("network CA for 'acme'", dir.resolve("ca.key") + " (mode 0600)");
        // the JDK's own parser, not ours
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt"))));
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("O=vanrouter,CN=acme");
        assertThat(ca.getBasicConstraints()).isZero();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(KeyPairs.matches(Pem.privateKey(Files.readString(dir.resolve("ca.key"))), ca.getPublicKey()))
                .isTrue();
        assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("ca.crt"))).isEqualTo("rw-r--r--");
    }

    @Test
    void shouldNotReplaceACaWithoutForce() throws Exception {
        Path dir = Security.ca(tmp.resolve("ca"), "acme");
        String key = Files.readString(dir.resolve("ca.key"));

        CliRun again = now("certs", "ca", "--network", "acme", "--out", dir.toString());
        CliRun forced = now("certs", "ca", "--network", "acme", "--out", dir.toString(), "--force");

        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(again.err().strip())
                .isEqualTo(dir.resolve("ca.crt") + " already exists; pass --force to replace it");
        assertThat(forced.exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("ca.key"))).isNotEqualTo(key);
    }

    @Test
    void shouldIssueARouterCertificateThatChainsToTheCa() throws Exception {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");
        Path out = tmp.resolve("site-b");

        CliRun run = now("certs", "issue", "--ca", ca.toString(), "--router", "site-b", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        X509Certificate cert = certificate(out.resolve("site-b.crt"));
        X509Certificate caCert = certificate(ca.resolve("ca.crt"));
        assertThat(Files.readString(out.resolve("ca.crt"))).isEqualTo(Files.readString(ca.resolve("ca.crt")));
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(caCert, null)));
        pkix.setRevocationEnabled(false);
        pkix.setDate(Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(cert)), pkix); // throws when the chain is broken
        assertThat(RouterIdentity.routerIdOf(cert)).contains("site-b");
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "vanrouter://router/site-b"));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(KeyPairs.matches(Pem.privateKey(Files.readString(out.resolve("site-b.key"))), cert.getPublicKey()))
                .isTrue();
        assertThat(mode(out.resolve("site-b.key"))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(ca.resolve("issued.tsv"))).contains(cert.getSerialNumber().toString(16) + "\t"
                + cert.getNotAfter().toInstant() + "\tsite-b");
    }

    @Test
    void shouldNotIssuePastTheCasExpiry() throws Exception {
        Path ca = tmp.resolve("ca");
        now("certs", "ca", "--network", "acme", "--out", ca.toString(), "--days", "30");
        Security.issue(NOW, ca, "site-b", tmp.resolve("b"));

        assertThat(certificate(tmp.resolve("b/site-b.crt")).getNotAfter())
                .isEqualTo(certificate(ca.resolve("ca.crt")).getNotAfter());
    }

    @Test
    void shouldRefuseToIssueFromAnExpiredCa() {
        Path ca = tmp.resolve("ca");
        Security.at(NOW.minus(Duration.ofDays(40)), "certs", "ca", "--network", "acme", "--out", ca.toString(),
                "--days", "30");

        CliRun run = now("certs", "issue", "--ca", ca.toString(), "--router", "site-b", "--out", tmp.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo("the CA in " + ca + " expired at " + NOW.minus(Duration.ofDays(10))
                + "; make a new CA (vanrouter certs ca --force) and new credentials for every router");
        assertThat(tmp.resolve("site-b.key")).doesNotExist();
    }

    @Test
    void shouldNotReplaceARoutersKeyWithoutForce() {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");
        Security.issue(NOW, ca, "site-b", tmp.resolve("b"));

        CliRun again = now("certs", "issue", "--ca", ca.toString(), "--router", "site-b", "--out",
                tmp.resolve("b").toString());

        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(again.err()).contains(tmp.resolve("b/site-b.crt") + " already exists; pass --force to replace it");
    }

    @Test
    void shouldSayWhatToDoWhenTheCaDirectoryIsMissingOrIncomplete() throws Exception {
        Path missing = tmp.resolve("nope");
        Files.createDirectories(tmp.resolve("empty"));

        CliRun none = now("certs", "issue", "--ca", missing.toString(), "--router", "b", "--out", tmp.toString());
        CliRun empty = now("certs", "issue", "--ca", tmp.resolve("empty").toString(), "--router", "b", "--out",
                tmp.toString());

        assertThat(none.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(none.err()).startsWith("CA directory " + missing + " does not exist; create a CA with"
                + " 'vanrouter certs ca --network NAME --out " + missing + "'");
        assertThat(empty.err()).startsWith(tmp.resolve("empty/ca.crt") + " not found; is " + tmp.resolve("empty")
                + " a CA directory");
    }

    @Test
    void shouldRefuseARouterIdThatCannotNameAFile() {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");

        CliRun run = now("certs", "issue", "--ca", ca.toString(), "--router", "../evil", "--out", tmp.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err()).contains("router id '../evil' cannot name the credential files");
        assertThat(tmp.getParent().resolve("evil.key")).doesNotExist();
    }

    @Test
    void shouldRevokeEveryCertificateOfARouterInANewlyNumberedList() throws Exception {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");
        Security.issue(NOW, ca, "site-b", tmp.resolve("b1"));
        Security.issue(NOW, ca, "site-b", tmp.resolve("b2"));
        Security.issue(NOW, ca, "site-c", tmp.resolve("c"));
        X509Certificate b1 = certificate(tmp.resolve("b1/site-b.crt"));
        X509Certificate b2 = certificate(tmp.resolve("b2/site-b.crt"));
        X509Certificate c = certificate(tmp.resolve("c/site-c.crt"));

        CliRun revokeB = now("certs", "revoke", "--ca", ca.toString(), "--router", "site-b");
        X509CRL first = crl(ca);
        CliRun revokeC = now("certs", "revoke", "--ca", ca.toString(), "--router", "site-c");
        X509CRL second = crl(ca);

        assertThat(revokeB.exitCode()).as(revokeB.err()).isZero();
        assertThat(revokeB.out()).contains("router site-b: 2 certificates revoked", "CRL number 1");
        first.verify(certificate(ca.resolve("ca.crt")).getPublicKey());
        assertThat(first.isRevoked(b1)).isTrue();
        assertThat(first.isRevoked(b2)).isTrue();
        assertThat(first.isRevoked(c)).isFalse();
        assertThat(RevocationList.number(first)).isEqualTo(BigInteger.ONE);
        assertThat(revokeC.exitCode()).isZero();
        assertThat(List.of(second.isRevoked(b1), second.isRevoked(b2), second.isRevoked(c))).containsOnly(true);
        assertThat(RevocationList.number(second)).isEqualTo(BigInteger.TWO);
        second.verify(certificate(ca.resolve("ca.crt")).getPublicKey());
    }

    @Test
    void shouldRefuseToRevokeARouterTheCaNeverIssuedTo() {
        Path ca = Security.ca(tmp.resolve("ca"), "acme");
        Security.issue(NOW, ca, "site-b", tmp.resolve("b"));

        CliRun run = now("certs", "revoke", "--ca", ca.toString(), "--router", "site-x");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err().strip()).isEqualTo("this CA (" + ca + ") never issued a certificate to router 'site-x';"
                + " check the id (issued.tsv lists every router it issued to)");
        assertThat(ca.resolve("revoked.crl")).doesNotExist();
    }

    private static X509CRL crl(Path ca) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(Files.readAllBytes(ca.resolve("revoked.crl"))));
    }
}
