# Thin wrapper over CMake. `make demo` and `make test` install what is
# missing (Debian packages, as root), build, and run.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# LUA: lua5.1 lua5.2 lua5.3 lua5.4 (default) or luajit (OpenResty's LuaJIT,
# Debian's luajit2). Each gets its own build tree: build/ for lua5.4,
# build-$(LUA)/ otherwise, so `make test LUA=luajit` never mixes modules.
LUA ?= lua5.4
ifeq ($(LUA),lua5.4)
BUILD ?= build
else
BUILD ?= build-$(LUA)
endif
# The LuaJIT build of sagemaker.core that nginx (libnginx-mod-http-lua) loads
# in the OpenResty integration spec.
NGINX_BUILD ?= build-luajit
BUSTED ?= busted
JOBS ?= 2
LOGDIR := $(BUILD)/logs

.PHONY: all deps build nginx-module test test-c test-emulator test-lua lint demo docs test-sanitize valgrind clean bench bench-smoke fuzz-smoke fuzz

all: build

deps:
	@tools/install_deps.sh

build: deps
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMK_LUA=$(LUA) >$(BUILD)/configure.log 2>&1 \
	  || { cat $(BUILD)/configure.log; exit 1; }
	@cmake --build $(BUILD) -j$(JOBS) >$(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }
	@echo "built $(BUILD)/lua/sagemaker/core.so and libsmk ($(LUA))"

# sagemaker.core for LuaJIT, as nginx loads it (only the module target).
nginx-module: deps
	@mkdir -p $(NGINX_BUILD)
	@cmake -S . -B $(NGINX_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMK_LUA=luajit \
	  >$(NGINX_BUILD)/configure.log 2>&1 || { cat $(NGINX_BUILD)/configure.log; exit 1; }
	@cmake --build $(NGINX_BUILD) -j$(JOBS) --target sagemaker_core >$(NGINX_BUILD)/module.log 2>&1 \
	  || { cat $(NGINX_BUILD)/module.log; exit 1; }

test: build nginx-module
	@mkdir -p $(LOGDIR)
	@rc=0; \
	$(MAKE) --no-print-directory test-c   2>&1 | tee $(LOGDIR)/c.log   || rc=1; \
	$(MAKE) --no-print-directory test-emulator 2>&1 | tee $(LOGDIR)/emulator.log || rc=1; \
	$(MAKE) --no-print-directory test-lua 2>&1 | tee $(LOGDIR)/lua.log || rc=1; \
	$(MAKE) --no-print-directory lint     2>&1 | tee $(LOGDIR)/lint.log || rc=1; \
	if [ "$(LUA)" = lua5.4 ]; then $(MAKE) --no-print-directory bench-smoke 2>&1 | tee $(LOGDIR)/bench.log || rc=1; fi; \
	echo; tools/test_summary.sh $(LOGDIR)/c.log $(LOGDIR)/emulator.log $(LOGDIR)/lua.log || rc=1; \
	exit $$rc

# ctest runs each C test program; each prints "name: N passed, M failed".
test-c:
	@ctest --test-dir $(BUILD) --output-on-failure -V 2>&1 | sed -n 's/^[0-9]*: //p; /tests passed/p; /tests failed/p'

# The emulator's own self-test, driven by botocore's client.
test-emulator:
	@/usr/bin/python3 spec/emulator/test_emulator.py
	@/usr/bin/python3 spec/emulator/test_emu_creds.py

# Specs that start child interpreters use SAGEMAKER_SPEC_LUA / _CPATH.
test-lua:
	@SAGEMAKER_SPEC_LUA=$(LUA) SAGEMAKER_SPEC_CPATH='$(BUILD)/lua/?.so' \
	  SAGEMAKER_NGINX_CPATH='$(NGINX_BUILD)/lua/?.so' \
	  $(LUA) $$(command -v $(BUSTED)) --cpath='$(BUILD)/lua/?.so' -o TAP

lint:
	@luacheck -q --no-color $(wildcard lua spec examples tools bench bin/sagemaker-automl) && echo "luacheck: clean"

demo: build
	@tools/demo.sh $(LUA)

# HTML reference of the Lua API (LDoc, config.ld) in docs/html.
docs: deps
	@ldoc -q . && echo "docs: docs/html/index.html"

# C tests and specs under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps nginx-module
	@mkdir -p build-asan
	@cmake -S . -B build-asan -DSMK_SANITIZE=ON -DSMK_LUA=$(LUA) >build-asan/configure.log 2>&1 \
	  || { cat build-asan/configure.log; exit 1; }
	@cmake --build build-asan -j$(JOBS) >build-asan/build.log 2>&1 || { cat build-asan/build.log; exit 1; }
	@set -e; for t in build-asan/test_*; do ASAN_OPTIONS=detect_leaks=1 "$$t"; done
	@ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp \
	  LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  $(LUA) $$(command -v $(BUSTED)) --cpath='build-asan/lua/?.so' -o TAP

# The spec suite under valgrind: no definite or indirect leaks, no errors.
valgrind: build nginx-module
	@valgrind --quiet --suppressions=tools/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --show-leak-kinds=definite,indirect --error-exitcode=99 \
	  $(LUA) $$(command -v $(BUSTED)) --cpath='$(BUILD)/lua/?.so' -o TAP

clean:
	rm -rf $(BUILD) $(NGINX_BUILD) build-asan

# Benchmarks (bench/): prints one table (README, "Performance"). Installs the
# peers it measures when missing. Timing never fails anything.
bench: build
	@LUA=$(LUA) BUILD=$(BUILD) bench/bench.sh

# Every benchmark for one short iteration: checks that the bench builds and runs.
bench-smoke: build
	@LUA=$(LUA) BUILD=$(BUILD) bench/bench.sh --smoke

# libFuzzer targets (spec/fuzz/README.md), built with clang under ASan+UBSan
# in build-fuzz. fuzz-smoke: each target for 30 s from a copy of the committed
# seed corpus, failing on any crash; fuzz: each for FUZZ_TIME seconds (600),
# keeping what it finds in build-fuzz/corpus/.
FUZZ_TIME ?= 600

fuzz-smoke:
	@tools/install_deps.sh clang libclang-rt-14-dev
	@JOBS=$(JOBS) spec/fuzz/run.sh smoke 30

fuzz:
	@tools/install_deps.sh clang libclang-rt-14-dev
	@JOBS=$(JOBS) spec/fuzz/run.sh long $(FUZZ_TIME)
