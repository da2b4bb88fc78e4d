#!/usr/bin/env bash
# Headless Chromium and chromedriver from Debian's packages, for the web page's browser test (WebPageIT).
# Idempotent. Exits non-zero when they cannot be installed; the test then reports itself skipped.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "browser: $(chromium --version 2>/dev/null | head -1)"
  exit 0
fi
log="${TMPDIR:-/tmp}/sigwatch-apt-chromium.log"
if { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } >"$log" 2>&1; then
  echo "browser: installed $(chromium --version 2>/dev/null | head -1)"
else
  echo "browser: apt-get could not install chromium and chromium-driver (see $log)" >&2
  exit 1
fi
