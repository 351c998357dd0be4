package io.vanrouter.core.hello;

/**
 * A usable (two-way) adjacency to one neighbour: the cheapest two-way link to it (ties: lowest link id) and its cost.
 * Immutable.
 */
public record Adjacency(String peerId, long linkId, int cost) {
}
