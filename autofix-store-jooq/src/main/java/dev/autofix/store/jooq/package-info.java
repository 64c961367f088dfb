/** The {@code RunStore} and {@code RateLimiter} on PostgreSQL, with jOOQ, Flyway and HikariCP. */
package dev.autofix.store.jooq;
