package io.vanrouter.transport.prop;

import java.util.Arrays;
import java.util.Random;

/**
 * Byte-level mutations of valid input, the kind a fuzzer starts from: bit flips, truncation, splices of two inputs,
 * edits of a 4-byte big-endian length field, inserted, overwritten, duplicated and deleted ranges, random bytes.
 */
public final class Mutations {
    private Mutations() {
    }

    /** One to three random mutations of {@code valid}; {@code other} is spliced in by the splice mutation. */
    public static byte[] mutate(byte[] valid, byte[] other, int[] lengthFieldOffsets, Random random) {
        byte[] bytes = valid;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            bytes = mutateOnce(bytes, other, lengthFieldOffsets, random);
        }
        return bytes;
    }

    private static byte[] mutateOnce(byte[] in, byte[] other, int[] lengthFieldOffsets, Random random) {
        if (in.length == 0) {
            return randomBytes(random, 1 + random.nextInt(16));
        }
        byte[] out;
        switch (random.nextInt(8)) {
            case 0 -> { // bit flips
                out = in.clone();
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(out.length);
                    out[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> out = Arrays.copyOf(in, random.nextInt(in.length)); // truncation
            case 2 -> { // splice: a prefix of this input, a suffix of the other
                int cut = random.nextInt(in.length + 1);
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                out = concat(Arrays.copyOf(in, cut), Arrays.copyOfRange(other, from, other.length));
            }
            case 3 -> { // length-field edit
                out = in.clone();
                int at = lengthFieldOffsets.length > 0 && random.nextBoolean()
                        ? lengthFieldOffsets[random.nextInt(lengthFieldOffsets.length)] : random.nextInt(out.length);
                writeInt(out, at, interestingInt(random, readInt(out, at)));
            }
            case 4 -> { // insert random bytes
                int at = random.nextInt(in.length + 1);
                out = concat(concat(Arrays.copyOf(in, at), randomBytes(random, 1 + random.nextInt(8))),
                        Arrays.copyOfRange(in, at, in.length));
            }
            case 5 -> { // overwrite with random bytes
                out = in.clone();
                int at = random.nextInt(out.length);
                int n = Math.min(out.length - at, 1 + random.nextInt(8));
                for (int i = 0; i < n; i++) {
                    out[at + i] = (byte) random.nextInt(256);
                }
            }
            case 6 -> { // duplicate a range
                int from = random.nextInt(in.length);
                int to = from + 1 + random.nextInt(Math.min(64, in.length - from));
                out = concat(Arrays.copyOf(in, to), Arrays.copyOfRange(in, from, in.length));
            }
            default -> { // delete a range
                int from = random.nextInt(in.length);
                int to = from + 1 + random.nextInt(Math.min(64, in.length - from));
                out = concat(Arrays.copyOf(in, from), Arrays.copyOfRange(in, to, in.length));
            }
        }
        return out;
    }

    /** Values around the boundaries a length or count field has. */
    private static int interestingInt(Random random, int current) {
        return switch (random.nextInt(7)) {
            case 0 -> 0;
            case 1 -> current + 1;
            case 2 -> current - 1;
            case 3 -> -1;
            case 4 -> Integer.MAX_VALUE;
            case 5 -> 1 << random.nextInt(31);
            default -> random.nextInt();
        };
    }

    public static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Cut points that split {@code length} bytes into 1 to 5 pieces (possibly single bytes). */
    public static int[] cuts(Random random, int length) {
        int pieces = 1 + random.nextInt(5);
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = length;
        for (int i = 1; i < pieces; i++) {
            cuts[i] = length == 0 ? 0 : random.nextInt(length + 1);
        }
        Arrays.sort(cuts);
        return cuts;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int readInt(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4 && at + i < b.length; i++) {
            v |= (b[at + i] & 0xFF) << (24 - 8 * i);
        }
        return v;
    }

    private static void writeInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }
}
