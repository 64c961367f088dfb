#!/bin/sh
# A stand-in for `codex exec`: checks what autofix must pass, then acts out $FAKE_MODE with
# recorded events from $FAKE_DIR.
[ "$1" = "exec" ] || { echo "error: expected exec" >&2; exit 2; }
last=""
dir=""
prev=""
for arg in "$@"; do
  [ "$prev" = "-o" ] && last="$arg"
  [ "$prev" = "-C" ] && dir="$arg"
  prev="$arg"
done
[ "$prev" = "-" ] || { echo "the prompt must come from stdin (-)" >&2; exit 2; }
[ -n "$last" ] && [ -n "$dir" ] || { echo "missing -o or -C" >&2; exit 2; }
[ -d "$CODEX_HOME" ] || { echo "CODEX_HOME is not a directory" >&2; exit 1; }
prompt=$(cat)
case "$prompt" in
  *SENTRY_DATA*) ;;
  *) echo "no prompt on stdin" >&2; exit 1 ;;
esac
case "$FAKE_MODE" in
  edit)
    sed -i 's/a - b/a + b/' "$dir/calc.py"
    cat "$FAKE_DIR/codex-success.jsonl"
    echo "Fixed calc.add: it returned a - b; it now returns a + b." > "$last"
    ;;
  401)
    echo "ERROR codex_core::client: unexpected status 401" >&2
    cat "$FAKE_DIR/codex-401.jsonl"
    exit 1
    ;;
esac
