/** The GitHub publisher's REST client, git push and pull request text; not API. */
package dev.autofix.github.internal;
