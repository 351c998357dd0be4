package io.vanrouter.transport.message;

/**
 * Something a publish fed that cannot take more right now: an unwritable link or a congested subscriber. The
 * publisher stops reading until every blocker it met is clear. Any thread.
 */
@FunctionalInterface
public interface Blocker {

    /** Runs {@code resume} once, when this is clear again (at once if it already is). */
    void whenClear(Runnable resume);
}
