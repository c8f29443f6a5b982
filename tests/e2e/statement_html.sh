#!/usr/bin/env bash
# The HTML statement in a real browser (headless Chromium): the demo agency's November
# (examples/demo.sh) plus a request whose subject is a <script>. The page loads with no console
# error and runs no script of a subject (the script would log to the console: a page made to do
# that is checked first, so the check can fail); it fetches nothing (no network request is
# allowed); it is screenshotted at desktop and phone widths; printed to PDF it is A4, one or two
# pages. SLATRACK_SCREENSHOTS=DIR keeps the screenshots there (docs/statement.png comes from it).
# Skipped, with one line, when chromium is not installed (scripts/test installs it).
source "$(dirname "$0")/lib.sh" "$1"
out= err= rc=0
here=$(cd "$(dirname "$0")" && pwd)

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "skipped: chromium is not installed (scripts/test installs it: apt-get install chromium poppler-utils)"
  finish
fi
if ! command -v pdfinfo >/dev/null; then
  echo "skipped: pdfinfo is not installed (scripts/test installs it: apt-get install poppler-utils)"
  finish
fi

# chrome ARGS... FILE: headless Chromium on a file, its own profile, no network; stderr (with
# the console messages) in $tmp/chrome.log.
chrome() {
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --log-level=0 \
    --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server="127.0.0.1:9" \
    --hide-scrollbars "$@" >"$tmp/chrome.out" 2>"$tmp/chrome.log"
}
# console_errors: the page's console messages and load failures in the last run.
console_lines() {
  grep -E 'CONSOLE|Uncaught|ERR_|Failed to load' "$tmp/chrome.log" || true
}

# The check can fail: a page whose script logs an error is seen.
printf '<!DOCTYPE html><p>x</p><script>console.error("boom"); nosuch();</script>\n' >"$tmp/bad.html"
chrome --dump-dom "file://$tmp/bad.html"
expect_eq "$(console_lines | grep -c 'boom\|nosuch')" 2 "(a console error is noticed)"

# The demo agency, and one more request for Acme whose subject is markup.
mkdir -p "$tmp/bin"
ln -s "$SLATRACK_BIN" "$tmp/bin/slatrack"
(PATH="$tmp/bin:$PATH" SLATRACK_DB="$db" bash "$here/../../examples/demo.sh" >/dev/null 2>&1)
expect_eq "$?" 0 "(demo.sh)"
export TZ=Europe/London SLATRACK_NOW="2026-12-01 08:00"
st log "Acme Ltd" '<script>console.error("subject ran")</script> Logo <b>bold</b>' \
  --at "2026-11-27 10:00" --channel email; expect_rc 0
st statement "Acme Ltd" --month 2026-11 --format html; expect_rc 0; expect_no_err
printf '%s\n' "$out" >"$tmp/statement.html"
expect_out_has '&lt;script&gt;console.error(&quot;subject ran&quot;)&lt;/script&gt; Logo &lt;b&gt;bold&lt;/b&gt;'

# Loaded: no console message at all, and the subject is text in the DOM (no script element).
chrome --dump-dom "file://$tmp/statement.html"
expect_eq "$(console_lines)" "" "(no console errors)"
dom=$(cat "$tmp/chrome.out")
case "$dom" in
  *"<script"*) fail "a script element in the DOM" ;;
  *'&lt;script&gt;console.error("subject ran")&lt;/script&gt; Logo &lt;b&gt;bold&lt;/b&gt;'*) checks=$((checks + 1)) ;;
  *) fail "the subject is not shown as text" ;;
esac
case "$dom" in *"<svg"*"<rect"*) checks=$((checks + 1)) ;; *) fail "no chart in the DOM" ;; esac

# Screenshots: desktop and phone.
chrome --window-size=1000,1500 --screenshot="$tmp/statement.png" "file://$tmp/statement.html"
expect_eq "$(console_lines)" "" "(no console errors, desktop)"
chrome --window-size=390,1700 --screenshot="$tmp/statement-phone.png" "file://$tmp/statement.html"
for png in statement.png statement-phone.png; do
  expect_eq "$(head -c 8 "$tmp/$png" | od -An -c | tr -d ' \n')" '211PNG\r\n032\n' "($png is a PNG)"
  [ "$(stat -c %s "$tmp/$png")" -gt 20000 ] && checks=$((checks + 1)) || fail "$png is nearly empty"
done
if [ -n "${SLATRACK_SCREENSHOTS:-}" ]; then
  cp "$tmp/statement.png" "$tmp/statement-phone.png" "$SLATRACK_SCREENSHOTS/"
fi

# Printed: A4, one or two pages.
chrome --no-pdf-header-footer --print-to-pdf="$tmp/statement.pdf" "file://$tmp/statement.html"
expect_eq "$(console_lines)" "" "(no console errors, print)"
info=$(pdfinfo "$tmp/statement.pdf" 2>&1)
pages=$(printf '%s\n' "$info" | awk '/^Pages:/ { print $2 }')
case "$pages" in 1 | 2) checks=$((checks + 1)) ;; *) fail "printed on ${pages:-no} pages: $info" ;; esac
expect_eq "$(printf '%s\n' "$info" | grep -c 'Page size:.*(A4)')" 1 "(A4)"
if [ -n "${SLATRACK_SCREENSHOTS:-}" ]; then
  cp "$tmp/statement.pdf" "$SLATRACK_SCREENSHOTS/"
fi
finish
