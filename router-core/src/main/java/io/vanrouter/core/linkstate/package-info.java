/** Link-state records, the database that holds the newest record of every router, and flooding. */
package io.vanrouter.core.linkstate;
