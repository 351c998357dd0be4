package io.vanrouter.daemon.config;

import static io.vanrouter.daemon.config.ConfigLoaderTest.problemsOfText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vanrouter.core.address.Distribution;
import org.junit.jupiter.api.Test;

class AddressRulesConfigTest {
    private static final String HEAD = "router: {id: a}\nlisten: [{host: 127.0.0.1, port: 1}]\ntls: {insecure: true}\naddresses:\n";

    @Test
    void shouldApplyFirstMatchingRule() throws Exception {
        RouterConfig config = ConfigLoader.parse(HEAD + """
                  - prefix: telemetry/
                    distribution: multicast
                  - pattern: "orders/*/eu"
                    distribution: closest
                  - prefix: orders/
                    distribution: balanced
                """, null);

        assertThat(config.addressRules().forAddress("telemetry/cpu")).isEqualTo(Distribution.MULTICAST);
        assertThat(config.addressRules().forAddress("orders/42/eu")).isEqualTo(Distribution.CLOSEST);
        assertThat(config.addressRules().forAddress("orders/42/us")).isEqualTo(Distribution.BALANCED);
        assertThat(config.addressRules().forAddress("backend")).isEqualTo(Distribution.BALANCED);
    }

    @Test
    void shouldReportBadRulesWithPathAndLine() {
        assertThat(problemsOfText(HEAD + """
                  - prefix: a/
                    distribution: nearest
                  - distribution: closest
                  - prefix: b/
                    pattern: b/*
                    distribution: closest
                  - pattern: "x/#/y"
                    distribution: closest
                """)).extracting(ConfigProblem::path, ConfigProblem::line).containsExactly(
                tuple("addresses[0].distribution", 6),
                tuple("addresses[1].prefix", 7),
                tuple("addresses[2].pattern", 9),
                tuple("addresses[3].pattern", 11));
    }
}
