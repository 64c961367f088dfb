/** Whether a folder can take autofix's writes: enough free space, and writable at all. */
package dev.autofix.support.disk;
