/** The loopback management endpoint ({@code GET /status}, {@code GET /healthz}) and the {@code status} tables. */
package io.vanrouter.daemon.mgmt;
