/** The ports through which the use cases reach the outside world; adapters implement them. */
package dev.autofix.core.port;
