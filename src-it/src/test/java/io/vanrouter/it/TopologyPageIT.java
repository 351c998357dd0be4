package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoint's topology page ({@code GET /ui}) loaded in headless Chromium (Debian's {@code chromium},
 * which .ci/run installs) against four real routers, reading the DOM the page's script built from {@code /topology}:
 * <pre>
 *   a --1-- b
 *   |       |
 *   2       1
 *   |       |
 *   d --1-- c   (c has a TCP connector of 'web')
 * </pre>
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class TopologyPageIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String CHROMIUM = System.getProperty("vanrouter.chromium", "chromium");

    @TempDir
    Path dir;
    private TestNetwork network;
    private RouterProcess a;

    @BeforeEach
    void startSquare() throws IOException {
        network = new TestNetwork(dir);
        network.start("d");
        network.startWith("c", "tcp:\n  connectors:\n    - {address: web, host: 127.0.0.1, port: "
                + FreePorts.next() + "}\n", "d");
        network.start("b", "c");
        a = network.start("a", "b", "d:2");
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
    }

    @Test
    void shouldDrawTheRoutersLinksAndAddressesAndALinkGoingDown() throws Exception {
        String url = "http://127.0.0.1:" + a.managementPort + "/ui";
        await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(dom(url))
                .contains(link("a--b", "up"), link("a--d", "up"), link("b--c", "up"), link("c--d", "up")));

        String page = dom(url);
        for (String router : List.of("a", "b", "c", "d")) {
            assertThat(page).contains("data-router=\"" + router + "\" data-reachable=\"true\"");
        }
        assertThat(page).contains("class=\"router self\" data-router=\"a\"")
                .containsPattern("data-router=\"c\".*?<text class=\"addr\"[^>]*>web</text>")
                .contains(">2</text>") // the cost of a--d on its line
                .contains("network it as router a sees it");

        network.router("d").stop();

        // a--d is a's own configured peer: drawn down. c--d is drawn down while d's last link-state record is held,
        // or not at all once d withdrew its links on the way out (its goodbye may or may not reach the others first).
        await().atMost(CONVERGE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(dom(url))
                .contains(link("a--d", "down"), link("a--b", "up"), link("b--c", "up"))
                .doesNotContain(link("c--d", "up"), link("c--d", "one-way"), link("a--d", "up")));
        network.assertNoUnexpectedErrors(null);
    }

    private static String link(String key, String state) {
        return "data-link=\"" + key + "\" data-state=\"" + state + "\"";
    }

    /** The page's DOM once its script has fetched /topology (virtual time lets the fetch finish first). */
    private String dom(String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium");
        Path out = dir.resolve("dom.html");
        Process chromium = new ProcessBuilder(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom", url)
                .redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile()).start();
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new AssertionError("chromium did not finish; see " + dir.resolve("chromium.err"));
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(dom).as("chromium's DOM of " + url + " (exit " + chromium.exitValue() + ")")
                .contains("data-refreshes=\"");
        return dom;
    }
}
