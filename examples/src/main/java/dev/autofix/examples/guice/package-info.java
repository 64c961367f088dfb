/**
 * Example: the standalone Guice modules, with the agent and the store swapped through {@code
 * Modules.override}.
 */
package dev.autofix.examples.guice;
