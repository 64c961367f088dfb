/**
 * Example: autofix embedded in a JVM service that already runs, wired by hand with the adapters'
 * {@code create(...)} factories, no Guice.
 */
package dev.autofix.examples.embedded;
