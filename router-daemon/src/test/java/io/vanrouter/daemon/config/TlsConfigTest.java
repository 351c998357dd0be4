package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.daemon.security.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {
    static final String ROUTER = "router: {id: site-a}\npeers: [{host: localhost, port: 55671}]\n";

    @Test
    void shouldRequireTheSectionOrInsecureExceptBeforeJoining(@TempDir Path dir) throws Exception {
        assertThat(problemsOfText(ROUTER)).extracting(ConfigProblem::path, ConfigProblem::message)
                .singleElement().satisfies(p -> {
                    assertThat(p.toList().get(0)).isEqualTo("tls");
                    assertThat((String) p.toList().get(1)).startsWith("is required: links need the network CA")
                            .contains("tls: {insecure: true}");
                });
        assertThat(ConfigLoader.parse(ROUTER + "tls: {insecure: true}\n", null).tls()).isEqualTo(TlsSettings.INSECURE);
        Path config = dir.resolve("site-a.yaml");
        Files.writeString(config, ROUTER);
        assertThat(ConfigLoader.loadBeforeJoining(config).tls()).as("token redeem adds it").isNull();
    }

    @Test
    void shouldResolveTheFilesAgainstTheConfigurationsDirectory() throws Exception {
        String yaml = ROUTER + "tls:\n  ca: ca.crt\n  cert: certs/site-a.crt\n  key: /etc/keys/site-a.key\n"
                + "  crl: revoked.crl\n";

        TlsSettings tls = ConfigLoader.parse(yaml, Path.of("/srv/site/site-a.yaml")).tls();

        assertThat(tls).isEqualTo(TlsSettings.files(Path.of("/srv/site/ca.crt"), Path.of("/srv/site/certs/site-a.crt"),
                Path.of("/etc/keys/site-a.key"), Path.of("/srv/site/revoked.crl")));
    }

    @Test
    void shouldLeaveTheRevocationListOptional() throws Exception {
        TlsSettings tls = ConfigLoader.parse(ROUTER + "tls: {ca: a, cert: b, key: c}\n", Path.of("x.yaml")).tls();

        assertThat(tls.crl()).isNull();
        assertThat(tls.ca()).isEqualTo(Path.of("a"));
    }

    @Test
    void shouldAcceptInsecureAlone() throws Exception {
        assertThat(ConfigLoader.parse(ROUTER + "tls: {insecure: true}\n", null).tls()).isEqualTo(TlsSettings.INSECURE);
    }

    @Test
    void shouldRefuseInsecureWithFiles() {
        assertThat(problemsOfText(ROUTER + "tls:\n  insecure: true\n  ca: ca.crt\n")).extracting(ConfigProblem::path,
                ConfigProblem::line, ConfigProblem::message).containsExactly(tuple("tls.ca", 5,
                        "insecure: true turns TLS off, so it takes no files; remove ca or insecure"));
    }

    @Test
    void shouldRequireCaCertAndKeyTogether() {
        assertThat(problemsOfText(ROUTER + "tls:\n  cert: a.crt\n  insecure: false\n"))
                .extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
                        tuple("tls.ca", "is required (the network CA, this router's certificate and its key), or set"
                                + " tls.insecure: true for plain links"),
                        tuple("tls.key", "is required (the network CA, this router's certificate and its key), or set"
                                + " tls.insecure: true for plain links"));
    }

    @Test
    void shouldReportMistypedTlsKeys() {
        assertThat(problemsOfText(ROUTER + "tls:\n  ca: a\n  cert: b\n  key: c\n  crls: d\n  insecure: yes please\n"))
                .extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
                        tuple("tls.crls", "unknown key 'crls'; did you mean 'crl'?"),
                        tuple("tls.insecure", "must be true or false, got the string \"yes please\""));
    }

    @Test
    void shouldNotReadTheFilesWhenOnlyLoading() throws Exception {
        assertThat(ConfigLoader.parse(ROUTER + "tls: {ca: no.crt, cert: no.crt, key: no.key}\n", null).tls())
                .isNotNull();
    }
}
