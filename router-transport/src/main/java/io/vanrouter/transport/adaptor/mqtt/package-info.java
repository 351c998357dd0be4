/** The MQTT 3.1.1/5 adaptor: clients publish into and subscribe from the router network's message plane. */
package io.vanrouter.transport.adaptor.mqtt;
