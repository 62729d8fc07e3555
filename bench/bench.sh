#!/bin/sh
# Entry point of `make bench` and `make bench-smoke` (run from the project
# root after `make build`):  bench/bench.sh [--smoke]
#
# Builds the C bench programs (bench/Makefile), installs what the peers and
# the canned server need when missing (nginx from Debian as root, the JS SDK
# from npm into bench/node_modules), then runs bench/run.lua, which prints
# the table. A peer or nginx that cannot be installed is skipped with a
# message, never an error.
set -eu
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
BUILD=${BUILD:-build}
export BUILD
mkdir -p "$BUILD"

note() { echo "bench: $*" >&2; }

case "$LUA" in
  luajit*) LUA_PC=luajit ;;
  *) LUA_PC=$LUA ;;
esac
case "$BUILD" in
  /*) SMK_BUILD=$BUILD ;;
  *) SMK_BUILD=$PWD/$BUILD ;;
esac
if ! make -s -C bench --no-print-directory LUA_PC="$LUA_PC" SMK_BUILD="$SMK_BUILD" \
       >"$BUILD/bench-build.log" 2>&1; then
  cat "$BUILD/bench-build.log" >&2
  exit 1
fi

# nginx: the canned server for the end-to-end rows.
BENCH_NGINX=$(command -v nginx 2>/dev/null || true)
[ -z "$BENCH_NGINX" ] && [ -x /usr/sbin/nginx ] && BENCH_NGINX=/usr/sbin/nginx
BENCH_NGINX_WHY=""
if [ -z "$BENCH_NGINX" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    note "installing nginx-light (Debian) for the end-to-end rows"
    if { apt-get install -y -q --no-install-recommends nginx-light ||
         { apt-get update -q && apt-get install -y -q --no-install-recommends nginx-light; }; } \
         >"$BUILD/bench-nginx-install.log" 2>&1; then
      BENCH_NGINX=/usr/sbin/nginx
    else
      BENCH_NGINX_WHY="nginx could not be installed (see $BUILD/bench-nginx-install.log)"
    fi
  else
    BENCH_NGINX_WHY="nginx is not installed (as root: apt-get install nginx-light)"
  fi
fi
export BENCH_NGINX BENCH_NGINX_WHY

# The AWS SDK for JavaScript v3, into bench/node_modules.
BENCH_JS_WHY=""
if ! command -v node >/dev/null 2>&1; then
  BENCH_JS_WHY="node is not installed"
elif [ ! -f bench/node_modules/@aws-sdk/client-sagemaker/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    note "installing @aws-sdk/client-sagemaker into bench/node_modules (npm)"
    if ! (cd bench && timeout 600 npm install --no-audit --no-fund --no-save --loglevel=error \
            >"../$BUILD/bench-npm-install.log" 2>&1); then
      BENCH_JS_WHY="npm install @aws-sdk/client-sagemaker failed (see $BUILD/bench-npm-install.log)"
    fi
  else
    BENCH_JS_WHY="npm is not installed"
  fi
fi
[ -n "$BENCH_JS_WHY" ] && export BENCH_JS_WHY

unset LUA_PATH_5_4 LUA_CPATH_5_4 LUA_INIT LUA_INIT_5_4 2>/dev/null || true
LUA_PATH="lua/?.lua;lua/?/init.lua;bench/?.lua;;"
LUA_CPATH="$BUILD/lua/?.so;bench/build/?.so;;"
export LUA_PATH LUA_CPATH
exec "$LUA" bench/run.lua "$@"
