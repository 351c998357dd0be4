/** The inter-router wire format, version 1: preamble, length-prefixed frames, their codes, codec and limits. */
package io.vanrouter.transport.wire;
