#!/bin/sh
# Stands in for a team's own agent: takes the prompt on stdin, edits its working directory
# (the run's git worktree) and writes a summary where autofix asks for one.
cat > /dev/null
echo "fixed by the team's script" > TEAM_FIX.md
echo "The team's script wrote TEAM_FIX.md." > "$AUTOFIX_SUMMARY_FILE"
