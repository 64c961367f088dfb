/**
 * The one way autofix runs the git CLI: an environment of the caller's, English output, bounded.
 */
package dev.autofix.support.git;
