#!/bin/sh
# A stand-in for `claude -p`: checks what autofix must pass, then acts out $FAKE_MODE with
# recorded output lines from $FAKE_DIR.
prompt=$(cat)
case " $* " in
  *" -p "*) ;;
  *) echo "Error: Input must be provided either through stdin or as a prompt argument" >&2; exit 1 ;;
esac
case " $* " in
  *" --output-format stream-json --verbose "*) ;;
  *) echo "Error: When using --print, --output-format=stream-json requires --verbose" >&2; exit 1 ;;
esac
case " $* " in
  *" --permission-mode acceptEdits "*) ;;
  *) echo "edits would be refused" >&2; exit 1 ;;
esac
if [ -z "$CLAUDE_CODE_MAX_RETRIES" ] || [ -z "$API_TIMEOUT_MS" ]; then
  echo "retries and API timeout not set" >&2
  exit 1
fi
case "$prompt" in
  *SENTRY_DATA*) ;;
  *) echo "no prompt on stdin" >&2; exit 1 ;;
esac
case "$FAKE_MODE" in
  edit)
    sed -i 's/a - b/a + b/' calc.py
    mkdir -p .autofix
    echo "Root cause: add() subtracted." > .autofix/summary.md
    cat "$FAKE_DIR/claude-success.jsonl"
    ;;
  api-error)
    cat "$FAKE_DIR/claude-api-error.jsonl"
    exit 1
    ;;
esac
