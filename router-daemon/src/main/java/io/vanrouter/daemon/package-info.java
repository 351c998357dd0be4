/** Process wiring of one router: the {@code vanrouter} command line root and the composition root. */
package io.vanrouter.daemon;
