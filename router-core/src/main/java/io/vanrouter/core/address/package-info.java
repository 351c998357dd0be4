/**
 * Mobile addresses: which routers have consumers for which address or MQTT topic filter, how that knowledge is
 * advertised between routers, and how a message picks its destinations (anycast selection, multicast tree planning).
 */
package io.vanrouter.core.address;
