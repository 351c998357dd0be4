package io.vanrouter.transport.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where one listener-side stream goes: the connector site its address's distribution prefers, and when that site
 * fails before the stream is open, the next one not tried yet. The site the stream is toward counts in
 * {@link OpenStreams} until the stream leaves it, so that balancing sees it.
 *
 * <p>The stream's event loop.
 */
public final class ConnectorAttempts {
    private final String address;
    private final ConnectorChooser chooser;
    private final OpenStreams open;
    private final Set<String> tried = new LinkedHashSet<>();
    private String current;

    public ConnectorAttempts(String address, ConnectorChooser chooser, OpenStreams open) {
        this.address = address;
        this.chooser = chooser;
        this.open = open;
    }

    /** Opens {@code stream} toward the best untried candidate; false when none is left. */
    public boolean tryNext(Stream stream, List<ConnectorCandidate> candidates) {
        return tryNext(stream, candidates, site -> true);
    }

    /** Opens {@code stream} toward the best untried candidate whose site {@code allowed}; false when none is left. */
    public boolean tryNext(Stream stream, List<ConnectorCandidate> candidates, Predicate<String> allowed) {
        List<ConnectorCandidate> left = new ArrayList<>(candidates.size());
        for (ConnectorCandidate candidate : candidates) {
            if (!tried.contains(candidate.routerId()) && allowed.test(candidate.routerId())) {
                left.add(candidate);
            }
        }
        while (!left.isEmpty()) {
            ConnectorCandidate chosen = chooser.choose(left, site -> open.open(address, site));
            tried.add(chosen.routerId());
            left.remove(chosen);
            if (stream.openToward(chosen.routerId())) {
                current = chosen.routerId();
                open.started(address, current);
                return true;
            }
        }
        return false;
    }

    /** The stream no longer goes toward its site (it failed or closed). */
    public void left() {
        if (current != null) {
            open.ended(address, current);
            current = null;
        }
    }

    /** The site the stream is toward now, or null. */
    public String current() {
        return current;
    }

    /** The sites tried so far, in order. */
    public Set<String> tried() {
        return Collections.unmodifiableSet(tried);
    }
}
