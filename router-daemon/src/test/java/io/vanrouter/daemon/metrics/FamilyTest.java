package io.vanrouter.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FamilyTest {

    private static String text(Family family) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, MetricSnapshots.of(family.build("a")));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldSumPointsWithTheSameLabelsAndAddTheRouterLabel() throws Exception {
        Family family = Family.counter("vanrouter_test_bytes", "Test.", "peer").add(2, "b").add(3, "b").add(1, "c");

        assertThat(text(family)).contains("# TYPE vanrouter_test_bytes_total counter")
                .contains("vanrouter_test_bytes_total{peer=\"b\",router=\"a\"} 5.0")
                .contains("vanrouter_test_bytes_total{peer=\"c\",router=\"a\"} 1.0");
    }

    @Test
    void shouldSumAddressesPastTheCapUnderOther() throws Exception {
        Family family = Family.gauge("vanrouter_test_consumers", "Test.", "address").cap("address", 2);
        for (String address : new String[] {"d", "a", "c", "b"}) {
            family.add(1, address);
        }

        String text = text(family);

        assertThat(text).contains("address=\"a\"").contains("address=\"b\"").doesNotContain("address=\"c\"")
                .doesNotContain("address=\"d\"").contains("vanrouter_test_consumers{address=\"(other)\",router=\"a\"}"
                        + " 2.0");
    }
}
