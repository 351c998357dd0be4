/**
 * Edge routers: an interior router's attached edges ({@link io.vanrouter.core.edge.EdgeAttachments}) and an edge
 * router's uplinks ({@link io.vanrouter.core.edge.Uplinks}). Edges take no part in link state, so their arrival or
 * departure runs no SPF anywhere; their consumers are advertised by the interior they are attached to.
 */
package io.vanrouter.core.edge;
