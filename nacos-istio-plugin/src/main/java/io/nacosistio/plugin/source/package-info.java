/**
 * The registry model shared by sources and the index: immutable values and the two interfaces between
 * them. Imports nothing from Nacos, gRPC or Spring.
 */
package io.nacosistio.plugin.source;
