package io.vanrouter.daemon.config;

import io.vanrouter.transport.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Edits a configuration's YAML text the way a person would: adds a peer and sets the {@code tls} section, and leaves
 * every other line, comment and blank as it was. Works on block-style files (top-level keys at column 1), which is
 * what the docs and {@link #fresh} write; a flow-style file is refused with a {@link ConfigException}.
 */
public final class ConfigEditor {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9._/-]*");
    /** YAML 1.1 words a plain scalar would turn into a boolean or null. */
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    /** The {@code tls} section's three files, as written into the YAML (relative to the file's directory). */
    public record TlsFiles(String ca, String cert, String key) {
    }

    private final Path source;
    private final List<String> lines;
    private final YamlNode.Mapping root;

    private ConfigEditor(String text, Path source) throws ConfigException {
        this.source = source;
        Problems problems = new Problems();
        YamlNode node = new YamlReader(problems).read(text);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems.sorted());
        }
        if (!(node instanceof YamlNode.Mapping mapping)
                || mapping.entries().values().stream().anyMatch(e -> e.column() != 1)) {
            throw cannotEdit("its top-level keys are not in block style (each at the start of a line)");
        }
        this.root = mapping;
        this.lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the text's final newline
        }
    }

    /**
     * {@code text} with {@code peer} added to {@code peers} (unless {@code config} has it already) and the {@code tls}
     * section replaced by, or added as, {@code tls}.
     *
     * @param config {@code text}, validated
     */
    public static String withPeerAndTls(String text, RouterConfig config, Endpoint peer, TlsFiles tls)
            throws ConfigException {
        ConfigEditor editor = new ConfigEditor(text, config.source());
        List<Edit> edits = new ArrayList<>(); // in the order their lines appear when both are appended
        if (!hasPeer(config, peer)) {
            edits.add(editor.peerEdit(config, peer));
        }
        edits.add(editor.replaceOrAppend("tls", tlsBlock(tls)));
        return editor.apply(edits);
    }

    /** Whether {@code config} dials {@code peer} already (same host, ignoring case, and port). */
    public static boolean hasPeer(RouterConfig config, Endpoint peer) {
        return config.peers().stream().anyMatch(p -> p.port() == peer.port() && p.host().equalsIgnoreCase(peer.host()));
    }

    /** A new configuration: the router, its one peer and its tls section; everything else takes its default. */
    public static String fresh(String header, String routerId, String network, Endpoint peer, TlsFiles tls) {
        List<String> out = new ArrayList<>();
        out.add("# " + header);
        out.add("router:");
        out.add("  id: " + scalar(routerId));
        out.add("  network: " + scalar(network));
        out.add("peers:");
        out.addAll(peerItem("  ", peer));
        out.addAll(tlsBlock(tls));
        return String.join("\n", out) + "\n";
    }

    /** Lines {@code from} (inclusive) to {@code to} (exclusive), 0-based in the original text, become others. */
    private record Edit(int from, int to, List<String> replacement) {
    }

    /** Applies edits made against the original lines, the lowest last so that earlier positions stay right. */
    private String apply(List<Edit> edits) {
        List<Edit> order = new ArrayList<>(edits);
        Collections.reverse(order);
        order.sort((a, b) -> Integer.compare(b.from(), a.from())); // stable: ties keep the reversed order
        for (Edit edit : order) {
            lines.subList(edit.from(), edit.to()).clear();
            lines.addAll(edit.from(), edit.replacement());
        }
        return String.join("\n", lines) + "\n";
    }

    private Edit peerEdit(RouterConfig config, Endpoint peer) throws ConfigException {
        YamlNode.Entry peers = root.entries().get("peers");
        YamlNode value = peers == null ? null : peers.value();
        if (value instanceof YamlNode.Sequence sequence && !sequence.items().isEmpty()
                && charAt(sequence.line(), sequence.column()) == '-') {
            int after = end(peers) + 1;
            return new Edit(after, after, peerItem(" ".repeat(sequence.column() - 1), peer));
        }
        if (config.peers().stream().anyMatch(p -> p.proxy() != null)) {
            // Written out again, a peer would lose its proxy credentials file (the validated config has only its
            // contents): better not to touch the list at all.
            throw cannotEdit("its peers list is in flow style and has a peer with a proxy");
        }
        List<String> block = new ArrayList<>();
        block.add("peers:");
        for (Endpoint existing : config.peers()) { // an empty or flow-style list is written out again in block style
            block.addAll(peerItem("  ", existing));
        }
        block.addAll(peerItem("  ", peer));
        return replaceOrAppend("peers", block);
    }

    /** Replaces the lines of top-level {@code key} (its line to the last before the next key) or appends them. */
    private Edit replaceOrAppend(String key, List<String> block) {
        YamlNode.Entry entry = root.entries().get(key);
        if (entry == null) {
            return new Edit(lines.size(), lines.size(), block);
        }
        return new Edit(entry.line() - 1, end(entry) + 1, block);
    }

    /** 0-based index of the last content line of a top-level entry (trailing blanks and comments excluded). */
    private int end(YamlNode.Entry entry) {
        int nextLine = root.entries().values().stream().mapToInt(YamlNode.Entry::line).filter(l -> l > entry.line())
                .min().orElse(lines.size() + 1);
        int last = Math.min(nextLine - 1, lines.size()) - 1; // the line before the next key, 0-based
        while (last > entry.line() - 1 && isBlankOrComment(lines.get(last))) {
            last--;
        }
        return last;
    }

    private static boolean isBlankOrComment(String line) {
        String t = line.strip();
        return t.isEmpty() || t.startsWith("#") || t.equals("---") || t.equals("...");
    }

    private char charAt(int line, int column) {
        String text = line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
        return column >= 1 && column - 1 < text.length() ? text.charAt(column - 1) : 0;
    }

    private static List<String> peerItem(String indent, Endpoint peer) {
        return List.of(indent + "- host: " + scalar(peer.host()), indent + "  port: " + peer.port(),
                indent + "  cost: " + peer.cost());
    }

    private static List<String> tlsBlock(TlsFiles tls) {
        return List.of("tls:", "  ca: " + scalar(tls.ca()), "  cert: " + scalar(tls.cert()),
                "  key: " + scalar(tls.key()));
    }

    /** A string as YAML: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String value) {
        if (PLAIN.matcher(value).matches() && !RESERVED.contains(value.toLowerCase(Locale.ROOT))) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private ConfigException cannotEdit(String why) {
        return new ConfigException(source, List.of(new ConfigProblem("", 0, 0, "cannot edit this file: " + why
                + "; add the peer and the tls section by hand (docs/security.md)")));
    }
}
