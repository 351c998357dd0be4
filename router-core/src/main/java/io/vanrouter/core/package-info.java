/** The routing engine: pure state machines driven by events and an injected clock, with no I/O of their own. */
package io.vanrouter.core;
