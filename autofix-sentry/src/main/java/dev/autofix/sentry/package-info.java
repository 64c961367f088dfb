/** The Sentry adapter: verified webhooks in, error details and feedback through the REST API. */
package dev.autofix.sentry;
