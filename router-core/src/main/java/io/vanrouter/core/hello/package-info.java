/** Hello protocol state: one entry per inter-router link, the two-way check, dead-interval expiry and adjacencies. */
package io.vanrouter.core.hello;
