/**
 * The one retry loop: the caller decides what is retryable and after how long, it does the rest.
 */
package dev.autofix.support.retry;
