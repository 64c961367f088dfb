/**
 * Example: only the unknown reaches Sentry. Expected failures are sealed results handled at the
 * HTTP boundary; anything else is a defect, captured with a stable fingerprint.
 */
package dev.autofix.examples.unknown;
