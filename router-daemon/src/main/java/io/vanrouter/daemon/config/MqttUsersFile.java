package io.vanrouter.daemon.config;

import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vanrouter.daemon.security.SecureFiles;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUsers;
import io.vanrouter.transport.adaptor.mqtt.auth.PasswordHash;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MQTT users file named by {@code mqtt.users} (see docs/mqtt.md), written by {@code vanrouter mqtt-users}:
 * <pre>
 * users:
 *   - name: sensor-1
 *     password: pbkdf2-sha256$200000$SALT$HASH
 *     publish: [sensors/sensor-1/#]
 *     subscribe: [commands/sensor-1/#]
 * </pre>
 * Both topic lists are required: {@code [#]} allows every topic, {@code []} none. Mode 0600: the hashes are slow to
 * crack, not impossible.
 */
public final class MqttUsersFile {
    static final List<String> KEYS = List.of("users");
    static final List<String> USER_KEYS = List.of("name", "password", "publish", "subscribe");
    static final int USERS_MAX = 100_000;
    static final int NAME_CHARS_MAX = 256;
    private static final String HEADER = "# MQTT users of vanrouter (docs/mqtt.md); edit with 'vanrouter mqtt-users'.\n"
            + "# Passwords are salted PBKDF2-HMAC-SHA256 hashes. The router re-reads this file when it changes.\n";

    private MqttUsersFile() {
    }

    /**
     * Reads and checks the file.
     *
     * @throws ConfigException with every problem and its line
     * @throws IOException     when the file cannot be read
     */
    public static MqttUsers read(Path file) throws IOException, ConfigException {
        String text = SecureFiles.read(file);
        return parse(text, file);
    }

    /** {@link #read} for the router, whose reload wants one exception type with the whole story in its message. */
    public static MqttUsers load(Path file) throws IOException {
        try {
            return read(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static MqttUsers parse(String text, Path file) throws ConfigException {
        Problems problems = new Problems();
        List<MqttUser> users = new ArrayList<>();
        if (text.isBlank()) {
            problems.add("", 1, 1, "the users file is empty; write 'users: []' for a listener nobody may use");
            throw new ConfigException(file, problems.sorted());
        }
        YamlNode root = new YamlReader(problems).read(text);
        Section top = root == null ? null : Section.of(root, "", problems);
        if (top != null) {
            top.rejectUnknown(KEYS);
            top.requirePresent("users");
            List<YamlNode> entries = top.list("users");
            if (entries != null && entries.size() > USERS_MAX) {
                top.problem("users", "at most " + USERS_MAX + " users, got " + entries.size());
            } else if (entries != null) {
                Map<String, String> seen = new LinkedHashMap<>();
                for (int i = 0; i < entries.size(); i++) {
                    MqttUser user = user(entries.get(i), "users[" + i + "]", problems);
                    if (user == null) {
                        continue;
                    }
                    String first = seen.putIfAbsent(user.name(), "users[" + i + "]");
                    if (first != null) {
                        problems.add("users[" + i + "].name", entries.get(i), "user '" + user.name()
                                + "' appears twice (first at " + first + ")");
                        continue;
                    }
                    users.add(user);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(file, problems.sorted());
        }
        return MqttUsers.of(users);
    }

    private static MqttUser user(YamlNode node, String path, Problems problems) {
        Section section = Section.of(node, path, problems);
        if (section == null) {
            return null;
        }
        section.rejectUnknown(USER_KEYS);
        int before = problems.count();
        String name = section.string("name", true);
        if (name != null && (name.isEmpty() || name.length() > NAME_CHARS_MAX)) {
            section.problem("name", "must have 1.." + NAME_CHARS_MAX + " characters");
        }
        String hashText = section.string("password", true);
        PasswordHash hash = null;
        if (hashText != null) {
            try {
                hash = PasswordHash.parse(hashText);
            } catch (IllegalArgumentException e) {
                section.problem("password", e.getMessage());
            }
        }
        TopicPatterns publish = patterns(section, "publish", problems);
        TopicPatterns subscribe = patterns(section, "subscribe", problems);
        if (problems.count() != before || name == null || hash == null || publish == null || subscribe == null) {
            return null;
        }
        return new MqttUser(name, hash, publish, subscribe);
    }

    private static TopicPatterns patterns(Section user, String key, Problems problems) {
        user.requirePresent(key);
        List<YamlNode> items = user.list(key);
        if (items == null) {
            return null;
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            if (!(item instanceof YamlNode.Scalar scalar) || scalar.isNull()) {
                problems.add(user.pathOf(key) + "[" + i + "]", item, "must be a topic pattern, got "
                        + item.describe());
                return null;
            }
            patterns.add(scalar.text());
        }
        try {
            return TopicPatterns.of(patterns);
        } catch (IllegalArgumentException e) {
            user.problem(key, e.getMessage());
            return null;
        }
    }

    /** Replaces the file (mode 0600, atomically: a router reading it sees the old or the new file, never half). */
    public static void write(Path file, List<MqttUser> users) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (MqttUser user : users) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", user.name());
            entry.put("password", user.password().format());
            entry.put("publish", user.publish().patterns());
            entry.put("subscribe", user.subscribe().patterns());
            entries.add(entry);
        }
        YAMLMapper yaml = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();
        SecureFiles.writePrivate(file, HEADER + yaml.writeValueAsString(Map.of("users", entries)));
    }
}
