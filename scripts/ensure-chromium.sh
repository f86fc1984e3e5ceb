#!/bin/sh
# Make sure a Chromium for the browser tests exists. Prints the path of the browser on success.
# Order: $CHROME_BIN, /usr/bin/chromium; else, when running as root with apt-get, install Debian's
# `chromium` (never a downloaded browser build); else stop with one clear line saying what to install.
set -e
if [ -n "${CHROME_BIN:-}" ] && [ -x "$CHROME_BIN" ]; then echo "$CHROME_BIN"; exit 0; fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium with apt-get (once)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; exit 0; fi
fi
echo "Browser tests need Chromium: install Debian's 'chromium' (apt-get install chromium) or set CHROME_BIN to a Chrome/Chromium binary." >&2
exit 1
