/** Loading and validating the YAML router configuration, reporting every problem with its path and line. */
package io.vanrouter.daemon.config;
