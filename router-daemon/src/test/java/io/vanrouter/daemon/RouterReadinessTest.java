package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.config.RouterConfig.RoutingConfig;
import io.vanrouter.daemon.mgmt.Readiness;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.RouterMode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterReadinessTest {
    private static final InetSocketAddress BOUND = new InetSocketAddress("127.0.0.1", 5000);
    private static final LinkView RETRYING = new LinkView(-1, null, "out", "127.0.0.1:5001", "backoff", 1, 10,
            "Connection refused", 0);

    @Test
    void shouldBeReadyWhenEveryListenerIsBoundWhateverThePeers() {
        Readiness answer = RouterReadiness.check("running", 1, List.of(BOUND), 1, List.of(BOUND), true, BOUND,
                List.of(RETRYING));

        assertThat(answer.ready()).isTrue();
        assertThat(answer.details()).containsEntry("peersRetrying", 1L).containsEntry("linksUp", 0L);
    }

    @Test
    void shouldNotBeReadyWhileAListenerIsNotBoundOrStartingOrShuttingDown() {
        assertThat(RouterReadiness.check("running", 2, List.of(BOUND), 0, List.of(), false, null, List.of()).reason())
                .isEqualTo("1 of 2 inter-router listener(s) not bound");
        assertThat(RouterReadiness.check("running", 1, List.of(BOUND), 2, Arrays.asList(BOUND, null), false, null,
                List.of()).reason()).isEqualTo("1 of 2 TCP listener(s) not bound");
        assertThat(RouterReadiness.check("running", 1, List.of(BOUND), 0, List.of(), true, null, List.of()).reason())
                .isEqualTo("MQTT listener not bound");
        assertThat(RouterReadiness.check("starting", 0, List.of(), 0, List.of(), false, null, List.of()).ready())
                .isFalse();
        assertThat(RouterReadiness.check("shutting down", 1, List.of(BOUND), 0, List.of(), false, null, List.of())
                .reason()).isEqualTo("shutting down");
    }

    @Test
    void shouldAnswerReadyzOnceStartedAndNotReadyOnceClosing() throws Exception {
        RoutingConfig routing = RoutingConfig.defaults().withTimers(200, 600, 20_000, 60_000, 5_000, 50, 500);
        RouterConfig config = new RouterConfig(null, "a", RouterMode.INTERIOR, "test",
                List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(new Endpoint("127.0.0.1", 1, 1)),
                new ManagementConfig(true, "127.0.0.1", 0), routing);
        RouterDaemon router = RouterDaemon.start(config);
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + router.managementAddress().getPort() + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"peersRetrying\":1"); // a peer nobody listens for is retried
        } finally {
            router.close();
        }
        assertThat(router.readiness().ready()).isFalse();
        assertThat(router.readiness().reason()).isEqualTo("shutting down");
    }
}
