package io.vanrouter.transport.stream;

import io.vanrouter.core.address.Distribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Picks the connector for a new connection among reachable candidates. Kept small so that the core's address
 * selector can replace it.
 *
 * <p>Any thread (event loops of the listener).
 */
public interface ConnectorChooser {

    /**
     * One of {@code candidates} (not empty).
     *
     * @param openStreams streams this router has open to a router for this address
     */
    ConnectorCandidate choose(List<ConnectorCandidate> candidates, ToIntFunction<String> openStreams);

    /** A chooser for the address's distribution; a TCP connection goes to one connector, so multicast is balanced. */
    static ConnectorChooser of(Distribution distribution) {
        return switch (distribution) {
            case BALANCED, MULTICAST -> new Rotating(c -> 0, true);
            case CLOSEST -> new Rotating(c -> c.cost() == 0 ? 0 : 1, false);
        };
    }

    /**
     * Minimises a score among candidates sorted by router id and rotates among the ties. Balanced scores open
     * streams plus cost; closest scores (not local, cost).
     */
    final class Rotating implements ConnectorChooser {
        private final ToIntFunction<ConnectorCandidate> tier;
        private final boolean countOpen;
        private final AtomicInteger rotor = new AtomicInteger();

        Rotating(ToIntFunction<ConnectorCandidate> tier, boolean countOpen) {
            this.tier = tier;
            this.countOpen = countOpen;
        }

        @Override
        public ConnectorCandidate choose(List<ConnectorCandidate> candidates, ToIntFunction<String> openStreams) {
            List<ConnectorCandidate> sorted = new ArrayList<>(candidates);
            sorted.sort(Comparator.comparing(ConnectorCandidate::routerId));
            List<ConnectorCandidate> best = new ArrayList<>();
            long bestScore = Long.MAX_VALUE;
            int bestTier = Integer.MAX_VALUE;
            for (ConnectorCandidate candidate : sorted) {
                int t = tier.applyAsInt(candidate);
                long score = candidate.cost() + (countOpen ? openStreams.applyAsInt(candidate.routerId()) : 0);
                if (t < bestTier || (t == bestTier && score < bestScore)) {
                    best.clear();
                    bestTier = t;
                    bestScore = score;
                }
                if (t == bestTier && score == bestScore) {
                    best.add(candidate);
                }
            }
            return best.get(Math.floorMod(rotor.getAndIncrement(), best.size()));
        }
    }
}
