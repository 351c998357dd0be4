/**
 * The protocol adaptor SPI: what a plug-in that turns an application protocol into streams or messages gets from the
 * transport ({@link io.vanrouter.transport.adaptor.AdaptorContext}) and the lifecycle it follows
 * ({@link io.vanrouter.transport.adaptor.ProtocolAdaptor}).
 */
package io.vanrouter.transport.adaptor;
