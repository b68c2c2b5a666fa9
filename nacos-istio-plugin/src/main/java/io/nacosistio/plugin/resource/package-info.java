/**
 * Kinds, type URLs and wire-ready resources. Imports protobuf and the generated protos only.
 */
package io.nacosistio.plugin.resource;
