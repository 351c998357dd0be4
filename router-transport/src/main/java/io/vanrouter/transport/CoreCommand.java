package io.vanrouter.transport;

import io.vanrouter.core.RouterCore;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.status.RouterView;
import java.util.concurrent.CompletableFuture;

/**
 * One input for the core thread ({@link CoreLoop}): immutable, any thread may create it, only the core thread runs it.
 * Its {@link Type} names it in logs and counters and picks its lane: lifecycle commands are never dropped.
 */
public sealed interface CoreCommand {

    /** What a command is, for log lines and per-type counters. */
    enum Type {
        LINK_UP(true),
        LINK_DOWN(true),
        LINK_COST(true),
        ADD_CONSUMER(true),
        REMOVE_CONSUMER(true),
        ADDRESS_RULES(true),
        MESSAGE(false),
        LINK_ACTIVITY(false),
        QUERY_VIEW(false);

        private final boolean lifecycle;

        Type(boolean lifecycle) {
            this.lifecycle = lifecycle;
        }

        /**
         * Whether losing one would leave state wrong until something else repairs it (a dead neighbour kept, a
         * consumer advertised forever). Their number is bounded by links and consumers, so their lane needs no limit.
         */
        public boolean lifecycle() {
            return lifecycle;
        }
    }

    Type type();

    /** Runs the command; core thread only. */
    void applyTo(RouterCore core);

    /** Told when the command was not run: dropped (queue full) or failed; {@code cause} says which. */
    default void notRun(Throwable cause) {
    }

    /**
     * {@code peerIsEdge}: the peer is an edge router attaching to this interior one; {@code peerLiveness}: the hello
     * and dead intervals it announced (null: none).
     */
    record LinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge,
            Liveness peerLiveness) implements CoreCommand {
        public LinkUp(long linkId, String peerId, long peerInstance, int cost) {
            this(linkId, peerId, peerInstance, cost, false, null);
        }

        @Override
        public Type type() {
            return Type.LINK_UP;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.onLinkUp(linkId, peerId, peerInstance, cost, peerIsEdge, peerLiveness);
        }
    }

    record LinkDown(long linkId, String reason) implements CoreCommand {
        @Override
        public Type type() {
            return Type.LINK_DOWN;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.onLinkDown(linkId, reason);
        }
    }

    record LinkCost(long linkId, int cost) implements CoreCommand {
        @Override
        public Type type() {
            return Type.LINK_COST;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.onLinkCost(linkId, cost);
        }
    }

    record AddConsumer(Address address) implements CoreCommand {
        @Override
        public Type type() {
            return Type.ADD_CONSUMER;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.addLocalConsumer(address);
        }
    }

    record ReplaceAddressRules(AddressRules rules) implements CoreCommand {
        @Override
        public Type type() {
            return Type.ADDRESS_RULES;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.replaceAddressRules(rules);
        }
    }

    record RemoveConsumer(Address address) implements CoreCommand {
        @Override
        public Type type() {
            return Type.REMOVE_CONSUMER;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.removeLocalConsumer(address);
        }
    }

    /** A control frame from a link: on the bounded lane, so a flood cannot grow memory; a drop is counted. */
    record Message(long linkId, ControlMessage message) implements CoreCommand {
        @Override
        public Type type() {
            return Type.MESSAGE;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.onMessage(linkId, message);
        }
    }

    /** Frames arrived on a link. Droppable: the next report (a quarter hello interval later) says the same. */
    record LinkActivity(long linkId) implements CoreCommand {
        @Override
        public Type type() {
            return Type.LINK_ACTIVITY;
        }

        @Override
        public void applyTo(RouterCore core) {
            core.onLinkActivity(linkId);
        }
    }

    /** A status snapshot. Droppable: its future fails at once and the caller may ask again. */
    record QueryView(CompletableFuture<RouterView> result) implements CoreCommand {
        @Override
        public Type type() {
            return Type.QUERY_VIEW;
        }

        @Override
        public void applyTo(RouterCore core) {
            result.complete(core.view());
        }

        @Override
        public void notRun(Throwable cause) {
            result.completeExceptionally(cause);
        }
    }
}
