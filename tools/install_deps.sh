#!/bin/sh
# Install the Debian packages the project needs, only those missing.
# Usage: tools/install_deps.sh [extra packages...]   (root, Debian 12)
set -eu
PACKAGES="gcc make cmake pkg-config python3 python3-botocore python3-regex
lua5.4 liblua5.4-dev lua-cjson lua-busted lua-check luarocks lua-ldoc lua-discount
lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev luajit2 libluajit2-5.1-dev
nginx libnginx-mod-http-lua openssl
libcurl4-openssl-dev libssl-dev libpcre2-dev libjansson-dev libexpat1-dev liburiparser-dev valgrind $*"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "missing packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
