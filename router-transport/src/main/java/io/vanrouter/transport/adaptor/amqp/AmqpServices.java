package io.vanrouter.transport.adaptor.amqp;

import io.vanrouter.transport.adaptor.RoutingView;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttAuthenticator;
import io.vanrouter.transport.message.MessageRouter;

/**
 * What every AMQP connection of one listener shares. Immutable; its parts are thread-safe.
 *
 * @param routerId  for log lines
 * @param settings  the listener's limits
 * @param messages  the message plane senders publish to
 * @param routing   the address rules (anycast or multicast for a receiver's address)
 * @param receivers this router's receiver links, the message plane's local delivery
 * @param counters  the adaptor's counters
 * @param authenticator checks SASL PLAIN user names and passwords against the users file; null: ANONYMOUS only
 */
record AmqpServices(String routerId, AmqpSettings settings, MessageRouter messages, RoutingView routing,
        AmqpReceivers receivers, AmqpCounters counters, MqttAuthenticator authenticator) {
}
