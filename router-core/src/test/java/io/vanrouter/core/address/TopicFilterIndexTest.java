package io.vanrouter.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.address.TopicFilterIndex.Match;
import io.vanrouter.core.address.TopicFilterIndex.Subscriber;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicFilterIndexTest {

    private static final Subscriber R_A = new Subscriber("R-a", null);

    private static TopicFilterIndex indexOf(String... filters) {
        TopicFilterIndex index = TopicFilterIndex.empty();
        for (String filter : filters) {
            index = index.with(filter, R_A, 1);
        }
        return index;
    }

    private static Set<String> matching(TopicFilterIndex index, String topic) {
        return index.match(topic).stream().map(Match::filter).collect(Collectors.toSet());
    }

    @Test
    void shouldMatchHashAtParentLevel() {
        TopicFilterIndex index = indexOf("sport/#", "sport/tennis/#");

        assertThat(matching(index, "sport")).containsExactly("sport/#");
        assertThat(matching(index, "sport/tennis")).containsExactlyInAnyOrder("sport/#", "sport/tennis/#");
        assertThat(matching(index, "sport/tennis/player1/score")).hasSize(2);
        assertThat(matching(index, "sports")).isEmpty();
    }

    @Test
    void shouldMatchPlusAsExactlyOneLevel() {
        TopicFilterIndex index = indexOf("sport/+", "+/+", "+");

        assertThat(matching(index, "sport/tennis")).containsExactlyInAnyOrder("sport/+", "+/+");
        assertThat(matching(index, "sport/")).containsExactlyInAnyOrder("sport/+", "+/+");
        assertThat(matching(index, "sport")).containsExactly("+");
        assertThat(matching(index, "sport/tennis/x")).isEmpty();
        assertThat(matching(index, "/finance")).containsExactly("+/+");
    }

    @Test
    void shouldMatchEverythingWithSingleHash() {
        TopicFilterIndex index = indexOf("#");

        assertThat(matching(index, "a")).containsExactly("#");
        assertThat(matching(index, "a/b/c")).containsExactly("#");
        assertThat(matching(index, "/")).containsExactly("#");
    }

    @Test
    void shouldNotMatchDollarTopicsWithLeadingWildcards() {
        TopicFilterIndex index = indexOf("#", "+/monitor/Clients", "$SYS/#", "$SYS/monitor/+");

        assertThat(matching(index, "$SYS/monitor/Clients")).containsExactlyInAnyOrder("$SYS/#", "$SYS/monitor/+");
        assertThat(matching(index, "$SYS")).containsExactly("$SYS/#");
        assertThat(matching(index, "x/monitor/Clients")).containsExactlyInAnyOrder("#", "+/monitor/Clients");
    }

    @Test
    void shouldTreatEmptyLevelsAsLevels() {
        TopicFilterIndex index = indexOf("a//b", "a/+/b", "/#");

        assertThat(matching(index, "a//b")).containsExactlyInAnyOrder("a//b", "a/+/b");
        assertThat(matching(index, "/x/y")).containsExactly("/#");
        assertThat(matching(index, "x")).isEmpty();
    }

    @Test
    void shouldKeepSubscribersAndCountsPerFilter() {
        Subscriber shared = new Subscriber("R-b", "g");
        TopicFilterIndex index = indexOf("a/+").with("a/+", shared, 3);

        assertThat(index.subscribersOf("a/+")).containsEntry(R_A, 1).containsEntry(shared, 3);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.with("a/+", shared, 0).subscribersOf("a/+")).containsOnlyKeys(R_A);
    }

    @Test
    void shouldLeaveOlderIndexUnchanged() {
        TopicFilterIndex before = indexOf("a/b");
        TopicFilterIndex after = before.with("a/#", R_A, 1).with("a/b", R_A, 0);

        assertThat(matching(before, "a/b")).containsExactly("a/b");
        assertThat(matching(after, "a/b")).containsExactly("a/#");
        assertThat(after.size()).isEqualTo(1);
    }

    @Test
    void shouldPruneEmptyBranchesOnRemove() {
        TopicFilterIndex index = indexOf("a/b/c/d").with("a/b/c/d", R_A, 0);

        assertThat(index.size()).isZero();
        List<Match> all = new ArrayList<>();
        index.forEach(all::add);
        assertThat(all).isEmpty();
        assertThat(index.with("x", R_A, 0)).isSameAs(index);
    }

    @Test
    void shouldAgreeWithBruteForceOnRandomFiltersAndTopics() {
        Random random = new Random(42);
        String[] words = {"a", "b", "c", "", "$SYS"};
        List<String> filters = new ArrayList<>();
        TopicFilterIndex index = TopicFilterIndex.empty();
        for (int i = 0; i < 2000; i++) {
            String filter = randomFilter(random, words);
            filters.add(filter);
            index = index.with(filter, R_A, 1);
        }
        Set<String> distinct = new HashSet<>(filters);
        assertThat(index.size()).isEqualTo(distinct.size());
        for (int i = 0; i < 2000; i++) {
            String topic = randomTopic(random, words);
            Set<String> expected = distinct.stream().filter(f -> bruteForceMatches(f, topic))
                    .collect(Collectors.toSet());
            List<Match> got = index.match(topic);
            assertThat(got).as("topic '%s'", topic).hasSize(expected.size());
            assertThat(got.stream().map(Match::filter).collect(Collectors.toSet())).isEqualTo(expected);
        }
    }

    private static String randomFilter(Random random, String[] words) {
        int levels = 1 + random.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            int pick = random.nextInt(words.length + 2);
            if (pick == words.length + 1 && i == levels - 1) {
                parts.add("#");
            } else if (pick >= words.length) {
                parts.add("+");
            } else {
                parts.add(words[pick]);
            }
        }
        return String.join("/", parts);
    }

    private static String randomTopic(Random random, String[] words) {
        int levels = 1 + random.nextInt(5);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            parts.add(words[random.nextInt(words.length)]);
        }
        return String.join("/", parts);
    }

    /** Reference matcher straight from the MQTT spec wording. */
    @Test
    void shouldKeepEverySnapshotUnchangedWhileTheEditorGoesOn() {
        Random random = new Random(42);
        String[] levels = {"a", "b", "+", "#", "devices", "x"};
        Subscriber[] subscribers = {R_A, new Subscriber("R-b", null), new Subscriber("R-b", "g")};
        Map<String, Map<Subscriber, Integer>> model = new HashMap<>();
        List<TopicFilterIndex> snapshots = new ArrayList<>();
        List<Map<String, Map<Subscriber, Integer>>> expected = new ArrayList<>();
        TopicFilterIndex.Editor editor = TopicFilterIndex.empty().edit();
        for (int step = 0; step < 5_000; step++) {
            int depth = 1 + random.nextInt(3);
            List<String> filter = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                String level = levels[random.nextInt(levels.length)];
                filter.add(level);
                if (level.equals("#")) {
                    break;
                }
            }
            String name = String.join("/", filter);
            Subscriber subscriber = subscribers[random.nextInt(subscribers.length)];
            int count = random.nextInt(3); // 0 removes
            editor.put(name, subscriber, count);
            Map<Subscriber, Integer> subs = model.computeIfAbsent(name, k -> new HashMap<>());
            if (count > 0) {
                subs.put(subscriber, count);
            } else {
                subs.remove(subscriber);
                if (subs.isEmpty()) {
                    model.remove(name);
                }
            }
            assertThat(editor.size()).isEqualTo(model.size());
            if (random.nextInt(50) == 0) {
                snapshots.add(editor.snapshot());
                expected.add(deepCopy(model));
            }
        }
        for (int i = 0; i < snapshots.size(); i++) {
            assertThat(contents(snapshots.get(i))).as("snapshot %d after later edits", i).isEqualTo(expected.get(i));
            assertThat(snapshots.get(i).size()).isEqualTo(expected.get(i).size());
        }
    }

    @Test
    void shouldLeaveTheIndexAnEditorStartedFromUnchanged() {
        TopicFilterIndex before = indexOf("devices/1/cmd", "devices/2/cmd");
        TopicFilterIndex.Editor editor = before.edit();
        editor.put("devices/3/cmd", R_A, 1);
        editor.put("devices/1/cmd", R_A, 0);

        assertThat(matching(before, "devices/1/cmd")).containsExactly("devices/1/cmd");
        assertThat(matching(before, "devices/3/cmd")).isEmpty();
        TopicFilterIndex after = editor.snapshot();
        assertThat(matching(after, "devices/1/cmd")).isEmpty();
        assertThat(matching(after, "devices/3/cmd")).containsExactly("devices/3/cmd");
        assertThat(after.size()).isEqualTo(2);
        assertThat(editor.snapshot()).as("nothing changed since").isSameAs(after);
    }

    @Test
    void shouldAnswerFromTheEditorsWorkingCopyWithoutASnapshot() {
        TopicFilterIndex.Editor editor = TopicFilterIndex.empty().edit();
        Subscriber inGroup = new Subscriber("R-b", "g");
        editor.put("devices/+/cmd", R_A, 1);
        editor.put("devices/7/cmd", inGroup, 2);
        List<String> matched = new ArrayList<>();
        editor.match("devices/7/cmd", match -> matched.add(match.filter()));

        assertThat(matched).containsExactlyInAnyOrder("devices/+/cmd", "devices/7/cmd");
        assertThat(editor.subscribersOf("devices/7/cmd")).isEqualTo(Map.of(inGroup, 2));
        editor.put("devices/7/cmd", inGroup, 0);
        assertThat(editor.subscribersOf("devices/7/cmd")).isEmpty();
        assertThat(editor.size()).isEqualTo(1);
    }

    @Test
    void shouldHoldOneHundredThousandFiltersUnderOneParent() {
        TopicFilterIndex.Editor editor = TopicFilterIndex.empty().edit();
        for (int i = 0; i < 100_000; i++) {
            editor.put("devices/" + i + "/cmd", R_A, 1);
            if (i % 1_000 == 0) {
                editor.snapshot(); // as the core does once per tick
            }
        }
        TopicFilterIndex index = editor.snapshot();
        assertThat(index.size()).isEqualTo(100_000);
        assertThat(matching(index, "devices/99999/cmd")).containsExactly("devices/99999/cmd");
    }

    private static Map<String, Map<Subscriber, Integer>> contents(TopicFilterIndex index) {
        Map<String, Map<Subscriber, Integer>> out = new HashMap<>();
        index.forEach(match -> out.put(match.filter(), new HashMap<>(match.subscribers())));
        return out;
    }

    private static Map<String, Map<Subscriber, Integer>> deepCopy(
            Map<String, Map<Subscriber, Integer>> model) {
        Map<String, Map<Subscriber, Integer>> copy = new HashMap<>();
        model.forEach((filter, subs) -> copy.put(filter, new HashMap<>(subs)));
        return copy;
    }

    static boolean bruteForceMatches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
