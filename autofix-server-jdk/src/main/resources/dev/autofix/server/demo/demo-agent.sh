#!/bin/sh
# The demo's scripted agent: what a coding agent does for this issue, without a model. It reads the
# prompt autofix wrote (the issue, the stack trace), says what it saw, fixes Price.java, runs the
# tests and writes its summary where autofix reads it.
prompt=$(cat)
echo "demo agent: the prompt is $(printf '%s' "$prompt" | wc -c | tr -d ' ') bytes; its stack trace:"
printf '%s\n' "$prompt" | grep -E 'Price\.java|Checkout\.java' | head -4
echo "demo agent: cents * percent / 100 is the discount, not the price after it"
cp "$(dirname "$0")/Price.java.fixed" Price.java
@TEST_COMMAND@ || exit 1
printf '%s\n' \
  "Root cause: Price.discounted returned the discount (cents * percent / 100) instead of the price after it." \
  "Fix: cents * (100 - percent) / 100." \
  "Verified: the sample's PriceTest passes." > "$AUTOFIX_SUMMARY_FILE"
