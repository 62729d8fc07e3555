--- Run sagemaker clients in child processes with a controlled environment:
-- `env -i` plus only the variables a spec gives, a temporary HOME holding
-- real ~/.aws files, and this tree's module paths.
--
--   local awsenv = require("helpers.awsenv")
--   local home = awsenv.home()                      -- temporary HOME with .aws/
--   home:write(".aws/config", "[default]\nregion = eu-west-1\n")
--   local r = awsenv.probe({ AWS_PROFILE = "dev" }, home, { options = {...}, calls = 2 })
--   -- r.config (client:config()), r.calls[i] = { ok, request_id | error }, r.access_key,
--   -- r.error = { kind, code, message } when sagemaker.client{} raised
--   home:cleanup()
--
-- The child is spec/helpers/client_probe.lua. LD_PRELOAD / ASAN_OPTIONS /
-- LSAN_OPTIONS are passed through so the sanitizer run keeps working.
local cjson = require("cjson")
local shell = require("helpers.shell")

local M = {}

M.LUA = os.getenv("SAGEMAKER_SPEC_LUA") or "lua5.4"

local quote, run = shell.quote, shell.run
M.quote, M.run, M.slurp, M.helpers_dir = quote, run, shell.read_file, shell.helpers_dir

--- A fresh temporary directory (mktemp -d).
function M.tmpdir()
  local p = assert(io.popen("mktemp -d /tmp/smk-spec-XXXXXX"))
  local dir = p:read("*l")
  p:close()
  assert(dir and dir:match("^/tmp/smk%-spec%-"), "mktemp failed")
  return dir
end

local Home = {}
Home.__index = Home

--- A temporary HOME with an empty .aws directory.
function M.home()
  local self = setmetatable({ dir = M.tmpdir() }, Home)
  assert(run("mkdir -p " .. quote(self.dir .. "/.aws")))
  return self
end

function Home:path(rel) return self.dir .. "/" .. rel end

--- Write `text` to `rel` (relative to HOME); mode e.g. "755" for scripts.
function Home:write(rel, text, mode)
  local f = assert(io.open(self:path(rel), "wb"))
  f:write(text)
  f:close()
  if mode then assert(run("chmod " .. mode .. " " .. quote(self:path(rel)))) end
  return self:path(rel)
end

function Home:cleanup()
  if self.dir and self.dir:match("^/tmp/smk%-spec%-") then run("rm -rf " .. quote(self.dir)) end
  self.dir = nil
end

--- The shell prefix `env -i ...` for `env` (a table; false values are skipped) and `home`.
-- `not_lua`: the child is not our Lua (python): no sanitizer preload for it.
function M.env_prefix(env, home, not_lua)
  local parts = { "env -i", "PATH=" .. quote(os.getenv("PATH") or "/usr/bin:/bin") }
  if home then parts[#parts + 1] = "HOME=" .. quote(home.dir) end
  for _, k in ipairs({ "LD_PRELOAD", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS" }) do
    local v = os.getenv(k)
    if v and not not_lua then parts[#parts + 1] = k .. "=" .. quote(v) end
  end
  parts[#parts + 1] = "LUA_PATH=" .. quote(package.path)
  parts[#parts + 1] = "LUA_CPATH=" .. quote(package.cpath)
  local keys = {}
  for k in pairs(env or {}) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if env[k] ~= false then parts[#parts + 1] = k .. "=" .. quote(env[k]) end
  end
  return table.concat(parts, " ")
end

--- Run the probe child; returns its decoded JSON answer (raises with the output otherwise).
-- request: { options = {...} for sagemaker.client, calls = n, sleep_before = { [i] = s },
--            sign = true (access key + token presence from build_request) }
function M.probe(env, home, request)
  local cmd = ("%s %s %s %s 2>&1"):format(M.env_prefix(env, home), M.LUA,
    quote(M.helpers_dir .. "/client_probe.lua"), quote(cjson.encode(request or {})))
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  local last = out:match("([^\n]*)\n?$")
  local ok, decoded = pcall(cjson.decode, last or "")
  if not ok or type(decoded) ~= "table" then
    error("client_probe failed:\n" .. out, 2)
  end
  decoded._output = out
  return decoded
end

return M
