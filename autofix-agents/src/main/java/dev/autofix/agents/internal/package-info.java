/** Process, git, prompt and output-parsing helpers of the agents adapter; not an API. */
package dev.autofix.agents.internal;
