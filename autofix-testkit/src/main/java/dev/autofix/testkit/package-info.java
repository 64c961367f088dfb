/** In-memory fakes of every autofix port, for tests and dry runs. */
package dev.autofix.testkit;
