package io.vanrouter.transport.prop;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Runs a seeded randomised property: {@code cases} cases, each with its own {@link Random} derived from the run's
 * seed and the case number. The seed is printed; {@code -Dprop.seed=N} replays a run exactly (plain JUnit, no
 * framework). A failing case is reported with the seed and its number.
 */
public final class PropertyRun {
    private PropertyRun() {
    }

    /** One case of a property; may throw anything, which fails the run. */
    @FunctionalInterface
    public interface Case {
        void run(Random random, int caseNumber) throws Exception;
    }

    /** The run's seed: {@code -Dprop.seed} when set, else a fresh one. Printed so a failure can be replayed. */
    public static long seed(String name) {
        String fixed = System.getProperty("prop.seed");
        long seed = fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.parseLong(fixed.trim());
        System.out.println("[prop] " + name + ": seed " + seed + " (replay: -Dprop.seed=" + seed + ")");
        return seed;
    }

    public static void check(String name, int cases, Case property) {
        long seed = seed(name);
        for (int i = 0; i < cases; i++) {
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + i);
            try {
                property.run(random, i);
            } catch (Throwable t) {
                throw new AssertionError(name + " failed at case " + i + " of seed " + seed + " (replay: -Dprop.seed="
                        + seed + "): " + t, t);
            }
        }
    }
}
