/** Netty side of the router: event loops, inter-router links, and the thread that drives the routing core. */
package io.vanrouter.transport;
