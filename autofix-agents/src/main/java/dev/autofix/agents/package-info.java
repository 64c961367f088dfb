/** Coding agents (Claude Code, Codex, any command) run as local processes in a git worktree. */
package dev.autofix.agents;
