/** The daily cap on fix attempts, kept in Redis with Jedis and shared by every autofix process. */
package dev.autofix.redis;
