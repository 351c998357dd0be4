package io.vanrouter.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.stream.StreamLimits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final Path FIXTURES = Path.of("src/test/resources/config");

    static List<ConfigProblem> problemsOf(String fixture) {
        Path file = FIXTURES.resolve(fixture);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("problems expected in %s", fixture).isNotNull();
        assertThat(e.source()).isEqualTo(file);
        return e.problems();
    }

    static List<ConfigProblem> problemsOfText(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, null));
        assertThat(e).as("problems expected in %s", yaml).isNotNull();
        return e.problems();
    }

    @Test
    void shouldLoadEveryFieldOfTheFullExample() throws Exception {
        RouterConfig config = ConfigLoader.load(FIXTURES.resolve("full.yaml"));

        assertThat(config.source()).isEqualTo(FIXTURES.resolve("full.yaml"));
        assertThat(config.routerId()).isEqualTo("site-a");
        assertThat(config.mode()).isEqualTo(RouterMode.INTERIOR);
        assertThat(config.network()).isEqualTo("demo");
        assertThat(config.listen()).containsExactly(new Endpoint("127.0.0.1", 55671, 3), new Endpoint("::1", 0, 1));
        assertThat(config.peers()).containsExactly(new Endpoint("127.0.0.1", 55672, 1),
                new Endpoint("router-b.example.com", 55673, 5));
        assertThat(config.management()).isEqualTo(new ManagementConfig(true, "0.0.0.0", 9292,
                FIXTURES.resolve("mgmt.token")));
        assertThat(config.routing()).isEqualTo(new RoutingConfig(500, 2000, 10000, 30000, 4000, 50, 50, 65536, 3, 6,
                StreamLimits.SPLICE_AFTER_BYTES_DEFAULT, StreamLimits.SPLICE_AFTER_READS_DEFAULT));
        assertThat(config.coreSettings(7).helloIntervalMillis()).isEqualTo(500);
        assertThat(config.transportSettings(7).maxFrameBytes()).isEqualTo(65536);
    }

    @Test
    void shouldFillDefaultsIntoTheMinimalConfig() throws Exception {
        RouterConfig config = ConfigLoader.load(FIXTURES.resolve("minimal.yaml"));

        assertThat(config.routerId()).isEqualTo("lonely");
        assertThat(config.mode()).isEqualTo(RouterMode.INTERIOR);
        assertThat(config.network()).isEqualTo("default");
        assertThat(config.listen()).isEmpty();
        assertThat(config.peers()).containsExactly(new Endpoint("localhost", 55671, Endpoint.COST_DEFAULT));
        assertThat(config.management()).isEqualTo(new ManagementConfig(true, ManagementConfig.HOST_DEFAULT,
                ManagementConfig.PORT_DEFAULT));
        assertThat(config.routing()).isEqualTo(RoutingConfig.defaults());
    }

    @Test
    void shouldReportEveryOutOfRangeValueWithPathAndLine() {
        assertThat(problemsOf("bad-ranges.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("listen[0].port", 5, "must be 0..65535, got 65536"),
                        tuple("listen[0].cost", 6, "must be 1..2147483647, got 0"),
                        tuple("peers[1].port", 11, "must be 1..65535, got 0"),
                        tuple("peers[2].port", 13, "must be 1..65535, got 70000"),
                        tuple("management.port", 15, "must be 0..65535, got -1"),
                        tuple("routing.helloIntervalMillis", 17, "must be 1..86400000, got 0"),
                        tuple("routing.maxFrameBytes", 18, "must be 4096..67108864, got 1024"),
                        tuple("routing.dataConnections", 19, "must be 0..16, got 17"),
                        tuple("routing.ioThreads", 20, "must be 1..64, got 0"));
    }

    @Test
    void shouldOfferOneDataConnectionPerConfiguredEventLoop() throws Exception {
        RouterConfig config = ConfigLoader.parse("""
                router:
                  id: a
                peers:
                  - host: localhost
                    port: 55671
                routing:
                  ioThreads: 5
                tls: {insecure: true}
                """, null);

        assertThat(config.routing().ioThreads()).isEqualTo(5);
        assertThat(config.routing().dataConnections()).isEqualTo(5);
    }

    @Test
    void shouldReadTheSpliceThresholdsAndDefaultThem() throws Exception {
        String base = """
                router:
                  id: a
                peers:
                  - host: localhost
                    port: 55671
                tls: {insecure: true}
                """;
        RouterConfig defaults = ConfigLoader.parse(base, null);
        RouterConfig set = ConfigLoader.parse(base + """
                routing:
                  spliceAfterBytes: 65536
                  spliceAfterReads: 0
                """, null);

        assertThat(defaults.routing().spliceAfterBytes()).isEqualTo(StreamLimits.SPLICE_AFTER_BYTES_DEFAULT);
        assertThat(defaults.routing().spliceAfterReads()).isEqualTo(StreamLimits.SPLICE_AFTER_READS_DEFAULT);
        assertThat(set.routing().spliceAfterBytes()).isEqualTo(65536);
        assertThat(set.routing().spliceAfterReads()).isZero();
        assertThat(problemsOfText(base + """
                routing:
                  spliceAfterReads: -1
                """)).extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(tuple("routing.spliceAfterReads", "must be 0..9223372036854775807, got -1"));
    }

    @Test
    void shouldFormatAProblemAsPathLineAndMessage() {
        ConfigProblem problem = problemsOf("bad-ranges.yaml").get(3);

        assertThat(problem).hasToString("peers[2].port (line 13): must be 1..65535, got 70000");
        assertThat(problem.column()).isEqualTo(11);
        assertThat(problem.format(Path.of("r.yaml")))
                .isEqualTo("r.yaml:13: peers[2].port: must be 1..65535, got 70000");
    }

    @Test
    void shouldReportWrongTypes() {
        assertThat(problemsOf("bad-types.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("router.id", 2, "must be a string, got a list"),
                        tuple("listen", 5, "must be a list, got a mapping"),
                        tuple("peers[0].port", 8, "must be an integer, got the string \"55672\""),
                        tuple("peers[1].host", 9, "must be a string, got the boolean true"),
                        tuple("peers[1].port", 10, "must be an integer, got the number 1.5"),
                        tuple("peers[2]", 11, "must be a mapping, got the string \"just-a-string\""),
                        tuple("management.enabled", 13, "must be true or false, got the string \"maybe\""),
                        tuple("management.port", 14, "must be 0..65535, got 99999999999999999999999"),
                        tuple("routing", 15, "must be a mapping, got the string \"fast\""));
    }

    @Test
    void shouldReportUnknownKeysWithSuggestions() {
        assertThat(problemsOf("bad-unknown-keys.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("router.netwrok", 3, "unknown key 'netwrok'; did you mean 'network'?"),
                        tuple("listen[0].port", 5, "is required"),
                        tuple("listen[0].prot", 6, "unknown key 'prot'; did you mean 'port'?"),
                        tuple("peer", 7, "unknown key 'peer'; did you mean 'peers'?"),
                        tuple("routing.helloIntervalMilis", 11,
                                "unknown key 'helloIntervalMilis'; did you mean 'helloIntervalMillis'?"),
                        tuple("routing.colour", 12, "unknown key 'colour'; known keys: " + String.join(", ",
                                ConfigValidator.ROUTING_KEYS)));
    }

    @Test
    void shouldReportMissingRequiredFields() {
        assertThat(problemsOf("bad-required.yaml")).extracting(ConfigProblem::path, ConfigProblem::line)
                .containsExactly(tuple("router.id", 2), tuple("listen[0].host", 4), tuple("listen[1].port", 5),
                        tuple("peers[0].host", 7));
        assertThat(problemsOf("bad-no-router.yaml")).extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(tuple("router", "is required"));
    }

    @Test
    void shouldRequireAListenerOrAPeer() {
        assertThat(problemsOf("bad-neither.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(tuple("", 1, "router has neither listen nor peers"));
    }

    @Test
    void shouldReportDuplicateListenersPeersAndKeys() {
        assertThat(problemsOf("bad-duplicates.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("listen[1]", 6, "duplicate listener 127.0.0.1:55671 (same as listen[0])"),
                        tuple("peers[2]", 17, "duplicate peer 127.0.0.1:55672 (same as peers[0])"),
                        tuple("router", 20, "duplicate key (first at line 1)"));
    }

    @Test
    void shouldRejectAnEdgeThatListensOrHasNoUplinkAndUnknownModes() {
        assertThat(problemsOf("bad-edge.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("peers", 1, "an edge router needs at least one uplink in peers (an interior router)"),
                        tuple("listen", 5, "an edge router takes no links: it only dials its uplinks (peers); remove"
                                + " listen, or make this router an interior one"));
        assertThat(problemsOf("bad-mode.yaml")).extracting(ConfigProblem::message)
                .containsExactly("must be one of interior, edge; got 'Interior'");
    }

    @Test
    void shouldReadAnEdgeRouter() throws Exception {
        RouterConfig config = ConfigLoader.parse("router: {id: shop-1, mode: edge}\n"
                + "peers: [{host: hub, port: 5671, cost: 1}, {host: hub2, port: 5671, cost: 10}]\n"
                + "tls: {insecure: true}\n", null);

        assertThat(config.mode()).isEqualTo(io.vanrouter.transport.RouterMode.EDGE);
        assertThat(config.coreSettings(1).edge()).isTrue();
        assertThat(config.transportSettings(1).mode()).isEqualTo(io.vanrouter.transport.RouterMode.EDGE);
    }

    @Test
    void shouldCheckIdAndNetworkCharacters() {
        assertThat(problemsOf("bad-names.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("router.id", 2, "must not contain whitespace or control characters, got 'site a'"),
                        tuple("router.network", 3, "must not be empty"));
    }

    @Test
    void shouldLimitIdToTwoHundredFiftyFiveUtf8Bytes() throws Exception {
        String fits = "é".repeat(127) + "x";
        String tooLong = "é".repeat(128);
        String template = "router:\n  id: %s\npeers:\n  - {host: h, port: 1}\ntls: {insecure: true}\n";

        assertThat(ConfigLoader.parse(template.formatted(fits), null).routerId()).isEqualTo(fits);
        assertThat(problemsOfText(template.formatted(tooLong))).extracting(ConfigProblem::message)
                .containsExactly("must be at most 255 UTF-8 bytes, got 256");
        assertThat(problemsOfText(template.formatted("\"a\\tb\""))).extracting(ConfigProblem::path)
                .containsExactly("router.id");
    }

    @Test
    void shouldRefuseRemoteManagementUnlessAllowed() throws Exception {
        assertThat(problemsOf("bad-remote-management.yaml")).extracting(ConfigProblem::path, ConfigProblem::line)
                .containsExactly(tuple("management.host", 7));
        String template = "router: {id: a}\npeers: [{host: h, port: 1}]\nmanagement: {host: '%s'}\ntls: {insecure: true}\n";
        for (String loopback : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
            assertThat(ConfigLoader.parse(template.formatted(loopback), null).management().host())
                    .isEqualTo(loopback);
        }
        assertThat(problemsOfText(template.formatted("mgmt.example.com"))).hasSize(1);
        assertThat(problemsOfText("router: {id: a}\npeers: [{host: h, port: 1}]\nmanagement: {host: 0.0.0.0,"
                + " allowRemote: true}\ntls: {insecure: true}\n")).as("allowRemote alone is not enough")
                .singleElement().extracting(ConfigProblem::message).asString().contains("management.tokenFile");
        assertThat(ConfigLoader.parse("router: {id: a}\npeers: [{host: h, port: 1}]\nmanagement: {host: 0.0.0.0,"
                + " allowRemote: true, tokenFile: t}\ntls: {insecure: true}\n", null).management().tokenFile())
                .isEqualTo(Path.of("t"));
    }

    @Test
    void shouldCheckRoutingTimerOrder() {
        assertThat(problemsOf("bad-routing-order.yaml")).extracting(ConfigProblem::path, ConfigProblem::line,
                ConfigProblem::message).containsExactly(
                        tuple("routing.deadIntervalMillis", 8,
                                "deadIntervalMillis (3000) must exceed helloIntervalMillis (3000)"),
                        tuple("routing.linkStateRefreshMillis", 9,
                                "linkStateMaxAgeMillis (default 60000) must exceed linkStateRefreshMillis (60000)"),
                        tuple("routing.reconnectMaxMillis", 11,
                                "reconnectMaxMillis (5000) must be at least reconnectInitialMillis (6000)"));
    }

    @Test
    void shouldReportSyntaxErrorWithItsLine() {
        assertThat(problemsOf("bad-syntax.yaml")).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(6);
            assertThat(problem.path()).isEmpty();
            assertThat(problem.message()).startsWith("YAML syntax error: ");
        });
    }

    @Test
    void shouldReportEmptyFilesAndNonMappingDocuments() {
        assertThat(problemsOf("empty.yaml")).extracting(ConfigProblem::message)
                .containsExactly("the configuration is empty");
        assertThat(problemsOf("comments-only.yaml")).extracting(ConfigProblem::message)
                .containsExactly("the configuration is empty");
        assertThat(problemsOf("bad-top-list.yaml")).extracting(ConfigProblem::message)
                .containsExactly("must be a mapping, got a list");
    }

    @Test
    void shouldReportMissingFile() {
        assertThat(problemsOf("no-such-file.yaml")).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isZero();
            assertThat(problem.message()).isEqualTo("file not found");
        });
    }

    @Test
    void shouldReportAnUnreadableDirectory() {
        assertThat(problemsOf("")).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("cannot read file"));
    }

    @Test
    void shouldRejectAliases() {
        String yaml = "router:\n  id: &name a\n  network: *name\npeers: [{host: h, port: 1}]\ntls: {insecure: true}\n";

        assertThat(problemsOfText(yaml)).extracting(ConfigProblem::path, ConfigProblem::line)
                .containsExactly(tuple("router.network", 3));
    }

    @Test
    void shouldRejectAnEmptyRequiredValue() {
        assertThat(problemsOfText("router:\n  id:\npeers: [{host: h, port: 1}]\ntls: {insecure: true}\n"))
                .extracting(ConfigProblem::path, ConfigProblem::line, ConfigProblem::message)
                .containsExactly(tuple("router.id", 2, "must not be empty"));
        assertThat(problemsOfText("router:\n  id: ~\npeers: [{host: h, port: 1}]\ntls: {insecure: true}\n"))
                .extracting(ConfigProblem::path, ConfigProblem::line, ConfigProblem::message)
                .containsExactly(tuple("router.id", 2, "is required, got an empty value"));
    }

    @Test
    void shouldAcceptYamlIntegerForms() throws Exception {
        RouterConfig config = ConfigLoader.parse("router: {id: 42}\npeers: [{host: h, port: 0x1F}]\ntls: {insecure: true}\n", null);

        assertThat(config.routerId()).isEqualTo("42");
        assertThat(config.peers().get(0).port()).isEqualTo(31);
    }

    @Test
    void shouldCarryEveryProblemInTheExceptionMessage() {
        assertThatThrownBy(() -> ConfigLoader.load(FIXTURES.resolve("bad-edge.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 problems in ")
                .hasMessageContaining("peers (line 1): an edge router needs at least one uplink");
    }

    @Test
    void shouldSuggestOnlyCloseKeys() {
        assertThat(Suggestions.closest("hots", List.of("host", "port", "cost"))).isEqualTo("host");
        assertThat(Suggestions.closest("PORT", List.of("host", "port", "cost"))).isEqualTo("port");
        assertThat(Suggestions.closest("colour", List.of("host", "port", "cost"))).isNull();
    }
}
