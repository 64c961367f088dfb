package dev.autofix.github.planted;

/** Target of a planted adapter-to-adapter dependency. */
public final class GitHubThing {}
