package io.vanrouter.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.vanrouter.transport.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every YAML file shipped in the repository's {@code config/} directory must load cleanly. */
class RepositoryConfigFilesTest {
    /** Surefire runs in the module directory; the repository root is its parent. */
    static final Path CONFIG_DIR = Path.of("").toAbsolutePath().getParent().resolve("config");

    @Test
    void shouldLoadEveryYamlFileInConfigDirectory() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONFIG_DIR)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }

        assertThat(files).contains(CONFIG_DIR.resolve("demo/site-a.yaml"), CONFIG_DIR.resolve("demo/site-b.yaml"),
                CONFIG_DIR.resolve("demo/site-c.yaml"));
        for (Path file : files) {
            assertThatCode(() -> ConfigLoader.load(file)).as(file.toString()).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldDescribeTheDemoTriangle() throws Exception {
        RouterConfig a = ConfigLoader.load(CONFIG_DIR.resolve("demo/site-a.yaml"));
        RouterConfig b = ConfigLoader.load(CONFIG_DIR.resolve("demo/site-b.yaml"));
        RouterConfig c = ConfigLoader.load(CONFIG_DIR.resolve("demo/site-c.yaml"));

        assertThat(List.of(a.network(), b.network(), c.network())).containsOnly("demo");
        assertThat(a.listen()).containsExactly(new Endpoint("127.0.0.1", 25671, 1));
        assertThat(b.listen()).containsExactly(new Endpoint("127.0.0.1", 25672, 1));
        assertThat(c.listen()).containsExactly(new Endpoint("127.0.0.1", 25673, 1));
        assertThat(a.peers()).containsExactly(new Endpoint("127.0.0.1", 25672, 1), new Endpoint("127.0.0.1", 25673, 5));
        assertThat(b.peers()).containsExactly(new Endpoint("127.0.0.1", 25673, 1));
        assertThat(c.peers()).isEmpty();
        assertThat(List.of(a.management().port(), b.management().port(), c.management().port()))
                .containsExactly(9191, 9192, 9193);
    }
}
