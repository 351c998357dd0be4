/** The flow log: one JSON line per finished TCP connection and MQTT session, written off the event loops. */
package io.vanrouter.daemon.flowlog;
