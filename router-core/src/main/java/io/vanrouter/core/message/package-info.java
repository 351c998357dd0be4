/** Immutable control records exchanged between routers; transport encodes them as frames. */
package io.vanrouter.core.message;
