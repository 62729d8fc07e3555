# Thin wrapper over CMake. `make demo` and `make test` install what is
# missing (Debian packages, as root), build, and run.
BUILD ?= build
LUA ?= lua5.4
BUSTED ?= busted
JOBS ?= 2
LOGDIR := $(BUILD)/logs

.PHONY: all deps build test test-c test-emulator test-lua lint demo test-sanitize valgrind clean

all: build

deps:
	@tools/install_deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMK_LUA=$(LUA) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) 2>&1 | grep -v '^\[' || true
	@test -f $(BUILD)/lua/sagemaker/core.so

test: build
	@mkdir -p $(LOGDIR)
	@rc=0; \
	$(MAKE) --no-print-directory test-c   2>&1 | tee $(LOGDIR)/c.log   || rc=1; \
	$(MAKE) --no-print-directory test-emulator 2>&1 | tee $(LOGDIR)/emulator.log || rc=1; \
	$(MAKE) --no-print-directory test-lua 2>&1 | tee $(LOGDIR)/lua.log || rc=1; \
	$(MAKE) --no-print-directory lint     2>&1 | tee $(LOGDIR)/lint.log || rc=1; \
	echo; tools/test_summary.sh $(LOGDIR)/c.log $(LOGDIR)/emulator.log $(LOGDIR)/lua.log || rc=1; \
	exit $$rc

# Each C test program prints its own "name: N passed, M failed" line.
test-c:
	@set -e; for t in $(BUILD)/test_*; do [ -x "$$t" ] && "$$t"; done

# The emulator's own self-test, driven by botocore's client.
test-emulator:
	@/usr/bin/python3 spec/emulator/test_emulator.py

test-lua:
	@$(LUA) $$(command -v $(BUSTED)) -o TAP

lint:
	@luacheck -q lua spec examples tools bench && echo "luacheck: clean"

demo: build
	@tools/demo.sh $(LUA)

# C tests and specs under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps
	@cmake -S . -B build-asan -DSMK_SANITIZE=ON -DSMK_LUA=$(LUA) >/dev/null
	@cmake --build build-asan -j$(JOBS) 2>&1 | grep -v '^\[' || true
	@set -e; for t in build-asan/test_*; do ASAN_OPTIONS=detect_leaks=1 "$$t"; done
	@ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp \
	  LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  $(LUA) $$(command -v $(BUSTED)) --cpath='build-asan/lua/?.so' -o TAP

# The spec suite under valgrind: no definite or indirect leaks, no errors.
valgrind: build
	@valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --show-leak-kinds=definite,indirect --error-exitcode=99 \
	  $(LUA) $$(command -v $(BUSTED)) -o TAP

clean:
	rm -rf $(BUILD) build-asan
