/** Implementation details of the Sentry adapter; not API. */
package dev.autofix.sentry.internal;
