#!/bin/sh
# Check the system libraries WeasyPrint needs (Pango, HarfBuzz with its subsetter) and a font.
# Installs them with apt-get when run as root on a Debian-like system; otherwise says what to run.
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core"
missing=""
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0 ' || missing="$missing libpango-1.0-0"
have_lib 'libpangoft2-1.0.so.0 ' || missing="$missing libpangoft2-1.0-0"
have_lib 'libharfbuzz.so.0 ' || missing="$missing libharfbuzz0b"
have_lib 'libharfbuzz-subset.so.0 ' || missing="$missing libharfbuzz-subset0"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
[ -z "$missing" ] && exit 0
echo "negdocs: missing system packages for WeasyPrint:$missing" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "negdocs: installing them with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null; }
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    echo "Run: sudo apt-get install -y$missing" >&2
else
    echo "Install Pango >= 1.44, HarfBuzz (with libharfbuzz-subset) and the DejaVu fonts with your system's package manager;" >&2
    echo "on Debian or Ubuntu: sudo apt-get install -y $PACKAGES" >&2
fi
exit 1
