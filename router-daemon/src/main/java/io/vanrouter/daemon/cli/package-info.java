/** The {@code vanrouter} subcommands: {@code run}, {@code status} and {@code check-config}. */
package io.vanrouter.daemon.cli;
