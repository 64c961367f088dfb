/** Redis adapter internals; not API. */
package dev.autofix.redis.internal;
