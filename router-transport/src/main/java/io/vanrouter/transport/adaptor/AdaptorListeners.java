package io.vanrouter.transport.adaptor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The listeners of one adaptor, in configuration order. Kept in one place because {@link ProtocolAdaptor#close} may
 * run on another thread while {@link ProtocolAdaptor#start} is still binding them: an adaptor that {@link #add adds}
 * a listener before binding it lets {@link #closeAll} find a half-started one, and tests read the bound addresses
 * (port 0) from any thread. After {@link #closeAll} it keeps and hands out no listener: one added later is closed at
 * once, so a start that loses the race to close leaves nothing open. A listener closed while it binds must let go of
 * what it bound itself.
 *
 * <p>The listener classes stay package-private in their adaptor's package, so how to read a listener's address and
 * how to close it are given as functions. Any thread.
 *
 * @param <L> the adaptor's listener type
 */
public final class AdaptorListeners<L> {
    private final Function<? super L, InetSocketAddress> address;
    private final Consumer<? super L> close;
    private final List<L> listeners = new ArrayList<>();
    private boolean closed; // guarded by listeners

    /**
     * @param address the listener's bound address, or null while it is not bound
     * @param close   stops the listener; called once per listener by {@link #closeAll}
     */
    public AdaptorListeners(Function<? super L, InetSocketAddress> address, Consumer<? super L> close) {
        this.address = Objects.requireNonNull(address, "address");
        this.close = Objects.requireNonNull(close, "close");
    }

    /**
     * Appends {@code listener}; call it before binding so that a concurrent {@link #closeAll} closes it too. After
     * {@link #closeAll}, closes it instead.
     */
    public void add(L listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (listeners) {
            if (!closed) {
                listeners.add(listener);
                return;
            }
        }
        close.accept(listener);
    }

    /** The listeners now, in order (a copy: a reload compares it with its new settings); empty once closed. */
    public List<L> snapshot() {
        synchronized (listeners) {
            return List.copyOf(listeners);
        }
    }

    /**
     * Drops {@code removed} and appends {@code added}, as one change seen by the other methods (a reload). After
     * {@link #closeAll}, closes {@code added} instead.
     */
    public void replace(Collection<? extends L> removed, Collection<? extends L> added) {
        synchronized (listeners) {
            if (!closed) {
                listeners.removeAll(removed);
                listeners.addAll(added);
                return;
            }
        }
        added.forEach(close);
    }

    /** Bound addresses in order, null for a listener not bound yet (useful with port 0); empty once closed. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        synchronized (listeners) {
            for (L listener : listeners) {
                addresses.add(address.apply(listener));
            }
        }
        return addresses;
    }

    /**
     * Closes every listener, in order, and forgets them; from now on {@link #add} and {@link #replace} close what they
     * are given. Idempotent.
     */
    public void closeAll() {
        List<L> toClose;
        synchronized (listeners) {
            closed = true;
            toClose = List.copyOf(listeners);
            listeners.clear();
        }
        toClose.forEach(close);
    }
}
