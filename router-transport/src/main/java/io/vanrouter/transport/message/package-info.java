/** The message plane: MESSAGE frames routed network-wide, multicast along ingress trees and anycast to one member. */
package io.vanrouter.transport.message;
