package io.vanrouter.core.path;

import java.util.Arrays;

/**
 * Binary min-heap of (distance, node) pairs on primitive arrays, with lazy deletion (callers skip stale pops).
 * Ordered by distance only: Dijkstra's tie rules are applied when relaxing, not when popping. Not thread-safe.
 */
final class DistanceHeap {
    private long[] keys;
    private int[] nodes;
    private int size;

    DistanceHeap(int capacity) {
        keys = new long[Math.max(16, capacity)];
        nodes = new int[keys.length];
    }

    boolean isEmpty() {
        return size == 0;
    }

    long peekKey() {
        return keys[0];
    }

    void push(long key, int node) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            nodes = Arrays.copyOf(nodes, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            nodes[i] = nodes[parent];
            i = parent;
        }
        keys[i] = key;
        nodes[i] = node;
    }

    /** Removes the minimum and returns its node; read {@link #peekKey()} first for its distance. */
    int pop() {
        int top = nodes[0];
        size--;
        if (size > 0) {
            long key = keys[size];
            int node = nodes[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && keys[child + 1] < keys[child]) {
                    child++;
                }
                if (keys[child] >= key) {
                    break;
                }
                keys[i] = keys[child];
                nodes[i] = nodes[child];
                i = child;
            }
            keys[i] = key;
            nodes[i] = node;
        }
        return top;
    }
}
