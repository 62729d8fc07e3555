rockspec_format = "3.0"
package = "lua-sagemaker"
version = "scm-1"
source = {
  url = "git+file:///work/main",
}
description = {
  summary = "Amazon SageMaker Autopilot client: C core with Lua bindings",
  detailed = [[
    create_auto_ml_job and its companions from Lua: deep local validation
    against the service model, SigV4 signing, libcurl transport, AWS-shaped
    error objects.
  ]],
  license = "Apache-2.0",
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
-- Checked by library name: Debian installs curl.h in a multiarch include
-- directory that LuaRocks does not search; CMake finds every path through
-- pkg-config. libcurl and libcrypto are compiled against but not linked:
-- the module loads them at first use (libcurl.so.4, libcrypto.so.3).
external_dependencies = {
  CURL = { library = "curl" },
  OPENSSL = { library = "crypto" },
  PCRE2 = { library = "pcre2-8" },
  JANSSON = { library = "jansson" },
  EXPAT = { library = "expat" },
  URIPARSER = { library = "uriparser" },
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    SMK_BUILD_TESTS = "OFF",
    CFLAGS = "$(CFLAGS)",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
  },
  -- The command-line tool (lua/sagemaker/cli.lua); LuaRocks wraps it so that it
  -- finds this tree's modules. Works with any build type, cmake included.
  install = {
    bin = { ["sagemaker-automl"] = "bin/sagemaker-automl" },
  },
}
test_dependencies = { "busted" }
test = { type = "busted" }
