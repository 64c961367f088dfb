#!/bin/sh
# A scripted agent CLI for tests: reads the prompt on stdin, then acts out the outcome named by $1.
mode="$1"
prompt=$(cat)
echo "fake agent: mode=$mode, prompt of $(printf '%s' "$prompt" | wc -c) bytes"
case "$mode" in
  edit)
    printf 'def add(a, b):\n    return a + b\n' > calc.py
    mkdir -p .autofix
    printf 'Root cause: add() subtracted.\nFix: add instead.\nVerified: test_calc passes.\n' > .autofix/summary.md
    ;;
  commit)
    printf 'def add(a, b):\n    return a + b\n' > calc.py
    git add calc.py && git -c user.name=agent -c user.email=agent@example.com commit -q -m "agent commit"
    ;;
  nothing)
    mkdir -p .autofix
    echo "Could not reproduce the error." > .autofix/summary.md
    ;;
  hang)
    echo "hanging"
    sleep 1000
    ;;
  spawn-hang)
    # $2: a number no other process sleeps, so a test can look for the child from outside
    sleep "${2:-1000}" &
    echo "child $!"
    sleep 1000
    ;;
  daemon)
    sleep 1000 > /dev/null 2>&1 &
    echo "child $!"
    ;;
  lock)
    git worktree lock --reason "the agent's now" "$PWD"
    ;;
  exit3)
    echo "boom: the model is unavailable" >&2
    exit 3
    ;;
  env)
    env
    ;;
  echo)
    printf '%s\n' "$prompt"
    echo "to stderr" >&2
    ;;
  loud)
    i=0
    while [ $i -lt 3000 ]; do
      echo "line $i 0123456789012345678901234567890123456789012345678901234567890123456789"
      i=$((i + 1))
    done
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 64
    ;;
esac
