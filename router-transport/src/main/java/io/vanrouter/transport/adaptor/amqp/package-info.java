/**
 * The AMQP 1.0 adaptor: AMQP clients attach senders and receivers to VAN addresses on the message plane, which it
 * shares with MQTT; Qpid Proton-J does the codec, SASL and link state, driven by bytes from a Netty handler.
 */
package io.vanrouter.transport.adaptor.amqp;
