/**
 * The TCP adaptor: listeners turn accepted connections into streams toward a chosen connector; connectors open the
 * streams that arrive for their address to a real server.
 */
package io.vanrouter.transport.adaptor.tcp;
