/**
 * The {@code vanrouter} subcommands: {@code run}, {@code status}, {@code check-config}, {@code demo}, and the
 * credential commands {@code certs ca|issue|revoke} and {@code token create|redeem}.
 */
package io.vanrouter.daemon.cli;
