package dev.autofix.sentry.planted;

import dev.autofix.github.planted.GitHubThing;

/** Planted violation: an adapter depending on another adapter. */
public final class SentryUsesGitHub {
  final GitHubThing thing = new GitHubThing();
}
