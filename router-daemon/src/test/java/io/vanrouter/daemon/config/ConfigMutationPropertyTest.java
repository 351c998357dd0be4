package io.vanrouter.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded property of the config loader: random mutations of the repository's YAML files (lines deleted, duplicated,
 * swapped or re-indented, keys and values replaced by hostile tokens, bytes flipped) are either a valid config or a
 * {@link ConfigException} whose every problem has a message; never another exception. The seed is printed;
 * {@code -Dprop.seed=N} replays a run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigMutationPropertyTest {
    private static final String[] VALUES = {"-1", "0", "1", "65536", "2147483648", "99999999999999999999999",
        "0x7FFFFFFF", "0o777", "1_000", "1e309", ".inf", "-.nan", "true", "null", "~", "[]", "{}", "[1, [2",
        "{a: b}", "&a x", "*a", "!!binary AAAA", "!!java.lang.Object {}", "'open", "\"\\u0000\"", "é中😀", "\t",
        "? k", "- item", "<<: *a", "|", ">", "::", "- - -", "\"" + "a".repeat(2_000) + "\"", "[" + "[".repeat(40),
        "127.0.0.1", "::1", "-", "%", "@", "`"};
    private static final String[] KEYS = {"router", "id", "mode", "network", "listen", "peers", "host", "port",
        "cost", "routing", "maxFrameBytes", "mqtt", "maxMessageBytes", "tcp", "listeners", "connectors", "address",
        "management", "enabled", "allowRemote", "addresses", "unknown", "", "<<"};

    @Test
    void shouldGiveAConfigOrAConfigErrorForMutatedFiles() throws IOException {
        List<String> files = fixtures();
        long seed = seed();
        int[] outcomes = new int[2];
        for (int n = 0; n < 1_500; n++) {
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + n);
            String text = mutate(files.get(random.nextInt(files.size())), files, random);
            try {
                ConfigLoader.parse(text, null);
                outcomes[0]++;
            } catch (ConfigException e) {
                outcomes[1]++;
                assertThat(e.problems()).as("case %d of seed %d", n, seed).isNotEmpty()
                        .allSatisfy(p -> assertThat(p.message()).isNotBlank());
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("case " + n + " of seed " + seed + " (replay: -Dprop.seed=" + seed
                        + ") threw " + e + " for:\n" + text, e);
            }
        }
        System.out.println("[prop] config mutations: " + outcomes[0] + " valid, " + outcomes[1] + " config errors");
        assertThat(outcomes[1]).as("most mutations are errors").isGreaterThan(outcomes[0]);
    }

    private static long seed() {
        String fixed = System.getProperty("prop.seed");
        long seed = fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.parseLong(fixed.trim());
        System.out.println("[prop] config mutations: seed " + seed + " (replay: -Dprop.seed=" + seed + ")");
        return seed;
    }

    private static List<String> fixtures() throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<Path> files = Files.list(ConfigLoaderTest.FIXTURES)) {
            for (Path file : files.sorted().toList()) {
                texts.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        texts.add(Files.readString(Path.of("../config/example.yaml"), StandardCharsets.UTF_8));
        return texts;
    }

    static String mutate(String text, List<String> others, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        for (int round = 1 + random.nextInt(3); round > 0; round--) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, lines.set(random.nextInt(lines.size()), line));
                case 3 -> lines.set(at, random.nextBoolean() ? "  " + line : line.stripLeading());
                case 4 -> lines.set(at, replaceValue(line, VALUES[random.nextInt(VALUES.length)]));
                case 5 -> lines.set(at, line.replaceFirst("[A-Za-z]+(?=:)", KEYS[random.nextInt(KEYS.length)]));
                case 6 -> lines.add(at, " ".repeat(2 * random.nextInt(3)) + KEYS[random.nextInt(KEYS.length)] + ": "
                        + VALUES[random.nextInt(VALUES.length)]);
                case 7 -> { // splice a line of another file
                    String[] other = others.get(random.nextInt(others.size())).split("\n");
                    lines.add(at, other[random.nextInt(other.length)]);
                }
                default -> lines.set(at, flipChar(line, random));
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        return String.join("\n", lines);
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(':');
        return colon < 0 ? line + " " + value : line.substring(0, colon + 1) + " " + value;
    }

    private static String flipChar(String line, Random random) {
        if (line.isEmpty()) {
            return String.valueOf((char) random.nextInt(128));
        }
        char[] chars = line.toCharArray();
        int at = random.nextInt(chars.length);
        char c = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : (char) (chars[at] ^ (1 << random.nextInt(7)));
        chars[at] = Character.isSurrogate(c) ? '?' : c; // a file's text is valid UTF-8: no lone surrogates
        return new String(chars);
    }
}
