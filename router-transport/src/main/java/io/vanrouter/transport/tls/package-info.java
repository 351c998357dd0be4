/**
 * TLS for inter-router connections: the network's credentials ({@link io.vanrouter.transport.tls.LinkTls}), the
 * router id a certificate names ({@link io.vanrouter.transport.tls.RouterIdentity}) and the wording of TLS failures
 * for operators ({@link io.vanrouter.transport.tls.TlsFailures}); and for application endpoints: listeners
 * ({@link io.vanrouter.transport.tls.ServerTls}) and TCP connectors ({@link io.vanrouter.transport.tls.ClientTls}).
 */
package io.vanrouter.transport.tls;
