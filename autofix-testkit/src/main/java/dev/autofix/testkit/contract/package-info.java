/** Contract test kits: abstract JUnit classes that every implementation of a port extends. */
package dev.autofix.testkit.contract;
