/** Netty plumbing shared by every pipeline: handler names, the last-resort exception handler, error wording. */
package io.vanrouter.transport.netty;
