/** One line of {@code autofix doctor}: a check's name, its status, what it found and the fix. */
package dev.autofix.support.check;
