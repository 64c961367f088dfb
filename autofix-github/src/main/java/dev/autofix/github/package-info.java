/** Pushes the fix branch with git and opens a draft pull request through GitHub's REST API. */
package dev.autofix.github;
