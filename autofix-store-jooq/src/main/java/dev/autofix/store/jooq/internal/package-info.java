/**
 * Non-API support of the PostgreSQL store: failure translation, migrations, the embedded server.
 */
package dev.autofix.store.jooq.internal;
