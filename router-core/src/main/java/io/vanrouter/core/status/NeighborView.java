package io.vanrouter.core.status;

/**
 * One inter-router link as the core sees it. {@code state} is {@code "init"} until the peer's hello lists us, then
 * {@code "two-way"}. {@code lastHelloAgeMillis} is -1 before the first hello.
 */
public record NeighborView(long linkId, String peerId, long cost, String state, long lastHelloAgeMillis) {
}
