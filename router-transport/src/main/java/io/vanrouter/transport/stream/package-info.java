/**
 * The data plane: streams carried hop by hop over inter-router links with per-hop credit flow control, pinned to
 * the path they were opened on (docs/data-plane.md).
 */
package io.vanrouter.transport.stream;
