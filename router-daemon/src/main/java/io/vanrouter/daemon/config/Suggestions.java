package io.vanrouter.daemon.config;

import java.util.List;
import java.util.Locale;

/** "Did you mean" for unknown keys: the closest known key by edit distance, if it is close enough. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The known key closest to {@code key} (ignoring case), or null when none is close: one edit for keys of up to
     * three characters, two up to seven, three beyond.
     */
    static String closest(String key, List<String> known) {
        String lower = key.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = key.length() <= 3 ? 1 : key.length() <= 7 ? 2 : 3;
        return bestDistance <= allowed ? best : null;
    }

    /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours ("prot" → "port"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
