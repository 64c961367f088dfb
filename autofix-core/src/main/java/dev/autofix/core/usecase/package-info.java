/** The use cases that hold autofix's business logic, free of any framework. */
package dev.autofix.core.usecase;
