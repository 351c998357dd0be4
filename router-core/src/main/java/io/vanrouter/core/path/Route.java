package io.vanrouter.core.path;

/**
 * How to reach one router: the neighbour to hand traffic to, the link to that neighbour, and the total path cost.
 */
public record Route(String destination, String nextHop, long linkId, long cost, int hops) {
}
