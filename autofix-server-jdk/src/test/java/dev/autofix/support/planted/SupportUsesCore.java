package dev.autofix.support.planted;

import dev.autofix.core.model.RunId;
import dev.autofix.github.planted.GitHubThing;

/** Planted violation: the shared support module depending on the core and on an adapter. */
public final class SupportUsesCore {
  final RunId run = null;
  final GitHubThing thing = new GitHubThing();
}
