package io.vanrouter.transport.adaptor;

import io.vanrouter.core.address.Address;

/**
 * Where an adaptor tells the core that this router gained or lost a consumer of an address (a TCP connector, the
 * first MQTT subscriber of a filter), so the address layer advertises it to the network. Implemented by
 * {@code CoreLoop}.
 *
 * <p>Any thread; never blocks.
 */
public interface LocalConsumers {

    void submitAddConsumer(Address address);

    void submitRemoveConsumer(Address address);
}
