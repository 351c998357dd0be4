package io.vanrouter.it;

import io.vanrouter.it.FaultMesh.Link;
import io.vanrouter.it.FaultProxy.Direction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Seeded faults for {@link FaultMesh}: the same seed gives the same faults, targets and timings. */
final class FaultSchedule {
    enum Kind {
        /** kill -9 of a transit router, restarted on heal. Closed: its sockets close at once. */
        KILL,
        /** SIGSTOP of a transit router, SIGCONT on heal. Silent: found by the dead interval. */
        FREEZE,
        /** Every connection of a link reset (RST), new ones too, until heal. */
        CUT,
        /** Every connection of a link closed (FIN), new ones too, until heal. */
        CLOSE,
        /** One or both directions of a link stop reading; the connection stays open. Silent. */
        STALL,
        /** One or both directions of a link drop every byte. Silent. */
        BLACK_HOLE,
        /** A link cut and healed every few hundred ms, then healed. */
        FLAP,
        /** Every byte of a link held 20-150 ms each way: the link must stay up. */
        DELAY
    }

    /** One fault: what, where, and its timings. */
    record Fault(Kind kind, String router, Link link, Direction[] directions, long holdMillis, long periodMillis,
            long delayMillis) {

        /** Found only by the dead interval: nothing closes. */
        boolean silent() {
            return kind == Kind.FREEZE || kind == Kind.STALL || kind == Kind.BLACK_HOLE;
        }

        /** Routers and links the fault takes down (none for a delay). */
        Set<String> broken() {
            if (kind == Kind.DELAY) {
                return Set.of();
            }
            return router != null ? Set.of(router) : Set.of(link.name());
        }

        @Override
        public String toString() {
            String where = router != null ? "router " + router : "link " + link.name() + " "
                    + Arrays.toString(directions);
            String extra = switch (kind) {
                case FLAP -> ", every " + periodMillis + " ms";
                case DELAY -> ", " + delayMillis + " ms";
                default -> "";
            };
            return kind + " " + where + extra + ", held " + holdMillis + " ms";
        }
    }

    private final Random random;
    private final long holdMinMillis;
    private final long holdMaxMillis;

    FaultSchedule(long seed, long holdMinMillis, long holdMaxMillis) {
        this.random = new Random(seed);
        this.holdMinMillis = holdMinMillis;
        this.holdMaxMillis = holdMaxMillis;
    }

    /** Every kind once, in a seeded order, each with a seeded target. */
    List<Fault> everyKindOnce() {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        Collections.shuffle(kinds, random);
        List<Fault> faults = new ArrayList<>();
        for (Kind kind : kinds) {
            faults.add(next(kind));
        }
        return faults;
    }

    /** A fault of a seeded kind. */
    Fault next() {
        return next(Kind.values()[random.nextInt(Kind.values().length)]);
    }

    private Fault next(Kind kind) {
        long hold = holdMinMillis + (long) (random.nextDouble() * (holdMaxMillis - holdMinMillis));
        if (kind == Kind.KILL || kind == Kind.FREEZE) {
            String router = FaultMesh.TRANSIT.get(random.nextInt(FaultMesh.TRANSIT.size()));
            return new Fault(kind, router, null, new Direction[0], hold, 0, 0);
        }
        Link link = FaultMesh.LINKS.get(random.nextInt(FaultMesh.LINKS.size()));
        Direction[] directions = switch (random.nextInt(3)) {
            case 0 -> new Direction[] {Direction.FORWARD};
            case 1 -> new Direction[] {Direction.BACKWARD};
            default -> Direction.values();
        };
        if (kind == Kind.CUT || kind == Kind.CLOSE || kind == Kind.FLAP) {
            directions = Direction.values(); // a connection is ended as a whole
        }
        long period = 150 + random.nextInt(250);
        long delay = 20 + random.nextInt(130);
        return new Fault(kind, null, link, directions, hold, period, delay);
    }
}
