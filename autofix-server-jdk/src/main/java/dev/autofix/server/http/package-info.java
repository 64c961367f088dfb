/**
 * The HTTP adapter: package-private handlers that map requests to use cases and results to HTTP.
 */
package dev.autofix.server.http;
