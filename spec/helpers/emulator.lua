--- Start and stop the local SageMaker emulator from busted specs.
--
--   local emulator = require("helpers.emulator")   -- package.path has spec/?.lua
--   local emu
--   setup(function() emu = emulator.start{ job_limit = 5, job_duration = 1 } end)
--   teardown(function() if emu then emu:stop() end end)   -- always stop in teardown
--
--   emu.port, emu.endpoint ("http://127.0.0.1:<port>"), emu.region, emu.credentials
--   emu:admin(action, args)  -> decoded JSON answer (raises on failure)
--   emu:jobs()               -> list of { name, arn, status, secondary_status, creation_time, request }
--   emu:reset(), emu:fault(kind, opts), emu:requests(), emu:set_job_limit(n), emu:set_clock_skew(s)
--   emu:client_options(extra) -> table for sagemaker.client{...}
--   emu:stop()               -> idempotent; also run by __gc and when the Lua process exits
--
-- The server is a separate Python process (Debian's /usr/bin/python3 with
-- python3-botocore). It is started through the shell in the background and is
-- told our pid (--parent-pid $PPID), so it exits by itself if this Lua process
-- dies without calling stop(). Admin calls go through the emulator's own CLI
-- ("sagemaker_emulator.py admin --port N ACTION JSON"), so no socket library or
-- curl binary is needed. Works on Lua 5.1-5.4 and LuaJIT.

local shell = require("helpers.shell")

local M = {}

M.DEFAULT_ACCESS_KEY = "AKIDEXAMPLE"
M.DEFAULT_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
M.DEFAULT_REGION = "us-east-1"

local shell_quote, run, read_file = shell.quote, shell.run, shell.read_file

local function sleep(seconds)
  os.execute("sleep " .. tostring(seconds))
end

-- A zombie (exited, not yet reaped by a non-reaping pid 1 in a container) counts as gone.
local function pid_alive(pid)
  local stat = read_file("/proc/" .. tostring(pid) .. "/stat")
  if stat then
    local state = stat:match(".*%)%s+(%a)")
    return state ~= "Z" and state ~= "X"
  end
  if read_file("/proc/self/stat") then return false end -- /proc works: the pid is gone
  return run("kill -0 " .. tostring(pid) .. " 2>/dev/null")
end

M.script = os.getenv("SAGEMAKER_EMULATOR") or (shell.helpers_dir .. "/../emulator/sagemaker_emulator.py")
M.python = os.getenv("SAGEMAKER_EMULATOR_PYTHON") or "/usr/bin/python3"
-- Child processes never inherit a sanitizer runtime (see helpers.shell).
local CHILD_ENV = shell.NO_SANITIZER

local function cjson()
  local ok, mod = pcall(require, "cjson")
  if not ok then error("helpers.emulator needs lua-cjson: " .. tostring(mod), 3) end
  return mod
end

--- True when the emulator can run here (python3 with botocore), plus a reason if not.
function M.available(opts)
  local python = (opts and opts.python) or M.python
  if not run(CHILD_ENV .. shell_quote(python) .. " -c 'import botocore' >/dev/null 2>&1") then
    return false, python .. " with botocore (Debian package python3-botocore) is not available"
  end
  if not read_file(M.script) then
    return false, "emulator script not found: " .. M.script
  end
  return true
end

local Emulator = {}
Emulator.__index = Emulator

local function remove_files(self)
  for _, path in ipairs({ self.port_file, self.pid_file, self.log_path, self.tmp_base }) do
    if path then os.remove(path) end
  end
end

--- Start an emulator. opts (all optional):
--   job_limit, job_duration (seconds), region, access_key, secret_key, model (path),
--   python, script, start_timeout (seconds, default 10), args (list of extra CLI args),
--   keep_log (do not delete the server log on stop; its path is emu.log_path).
function M.start(opts)
  opts = opts or {}
  local python = opts.python or M.python
  local script = opts.script or M.script
  local base = os.tmpname()
  local self = setmetatable({
    tmp_base = base,
    port_file = base .. ".port",
    pid_file = base .. ".pid",
    log_path = base .. ".log",
    region = opts.region or M.DEFAULT_REGION,
    access_key = opts.access_key or M.DEFAULT_ACCESS_KEY,
    secret_key = opts.secret_key or M.DEFAULT_SECRET_KEY,
    python = python,
    script = script,
    keep_log = opts.keep_log,
    stopped = false,
  }, Emulator)
  self.credentials = { access_key_id = self.access_key, secret_access_key = self.secret_key }

  local args = {
    "--port", "0", "--port-file", self.port_file,
    "--region", self.region, "--access-key", self.access_key, "--secret-key", self.secret_key,
  }
  if opts.job_limit then args[#args + 1] = "--job-limit"; args[#args + 1] = tostring(opts.job_limit) end
  if opts.tls_cert then
    -- HTTPS with the given certificate and key (PEM files)
    args[#args + 1] = "--tls-cert"; args[#args + 1] = opts.tls_cert
    args[#args + 1] = "--tls-key"; args[#args + 1] = opts.tls_key
    self.https = true
  end
  if opts.job_duration then args[#args + 1] = "--job-duration"; args[#args + 1] = tostring(opts.job_duration) end
  if opts.model then args[#args + 1] = "--model"; args[#args + 1] = opts.model end
  for _, a in ipairs(opts.args or {}) do args[#args + 1] = a end
  local quoted = {}
  for i, a in ipairs(args) do quoted[i] = shell_quote(a) end

  os.remove(self.port_file)
  -- $PPID is this Lua process (the parent of the `sh -c` that os.execute runs).
  local cmd = string.format("%s%s %s %s --parent-pid $PPID >%s 2>&1 </dev/null & echo $! >%s",
    CHILD_ENV, shell_quote(python), shell_quote(script), table.concat(quoted, " "),
    shell_quote(self.log_path), shell_quote(self.pid_file))
  if not run(cmd) then
    remove_files(self)
    error("helpers.emulator: could not run: " .. cmd, 2)
  end
  self.pid = tonumber((read_file(self.pid_file) or ""):match("%d+"))

  local timeout = opts.start_timeout or 10
  local deadline = os.time() + timeout + 1
  local step = 0.05
  local max_iter = math.floor(timeout / step) * 2
  local port
  for _ = 1, max_iter do
    port = tonumber((read_file(self.port_file) or ""):match("^%s*(%d+)"))
    if port then break end
    if self.pid and not pid_alive(self.pid) then break end
    if os.time() > deadline then break end
    sleep(step)
  end
  if not port then
    local log = read_file(self.log_path) or "(no log)"
    if self.pid then run("kill -9 " .. self.pid .. " 2>/dev/null") end
    self.stopped = true
    remove_files(self)
    error(string.format("helpers.emulator: emulator did not start within %ss (%s %s). Its output:\n%s",
      tostring(timeout), python, script, log), 2)
  end
  self.port = port
  self.endpoint = (self.https and "https" or "http") .. "://127.0.0.1:" .. port

  -- Stop on garbage collection (also at lua_close when the process exits normally).
  local newproxy = rawget(_G, "newproxy")
  if newproxy then -- Lua 5.1 / LuaJIT: tables have no __gc
    self._gc = newproxy(true)
    getmetatable(self._gc).__gc = function() self:stop() end
  else
    setmetatable(self, { __index = Emulator, __gc = function(o) o:stop() end })
  end
  return self
end

--- Call the admin API: action is e.g. "reset", "config", "jobs", "fault", "faults",
-- "clear_faults", "requests", "credentials", "health". Returns the decoded answer.
function Emulator:admin(action, args)
  if self.stopped then error("helpers.emulator: admin(" .. tostring(action) .. ") after stop()", 2) end
  local json = cjson()
  local body = "{}"
  if args ~= nil and next(args) ~= nil then body = json.encode(args) end
  local cmd = string.format("%s%s %s admin%s --port %d %s %s 2>&1; echo \"__EXIT:$?\"",
    CHILD_ENV, shell_quote(self.python), shell_quote(self.script), self.https and " --https" or "", self.port,
    shell_quote(action), shell_quote(body))
  local pipe = assert(io.popen(cmd, "r"))
  local out = pipe:read("*a")
  pipe:close()
  local text, code = out:match("^(.-)\n?__EXIT:(%d+)%s*$")
  if not text then text, code = out, "1" end
  local ok, decoded = pcall(json.decode, text)
  if code ~= "0" or not ok then
    error(string.format("helpers.emulator: admin %s failed (exit %s): %s", tostring(action), code, text), 2)
  end
  return decoded
end

--- All jobs the emulator knows (the full stored CreateAutoMLJob requests included).
function Emulator:jobs()
  return self:admin("jobs").jobs
end

function Emulator:reset() return self:admin("reset") end

--- Queue a fault, e.g. emu:fault("throttle", { count = 2, retry_after = 1000 }).
function Emulator:fault(kind, opts)
  local args = { kind = kind }
  for k, v in pairs(opts or {}) do args[k] = v end
  return self:admin("fault", args)
end

--- Requests received so far (method, path, headers, body, status, error_code, fault).
function Emulator:requests(clear)
  return self:admin("requests", clear and { clear = true } or nil).requests
end

function Emulator:set_job_limit(n) return self:admin("config", { job_limit = n }) end
function Emulator:set_clock_skew(seconds) return self:admin("config", { clock_skew = seconds }) end

--- Options for sagemaker.client{...} pointing at this emulator (extra entries win).
function Emulator:client_options(extra)
  local o = {
    region = self.region,
    endpoint = self.endpoint,
    credentials = { access_key_id = self.access_key, secret_access_key = self.secret_key },
  }
  for k, v in pairs(extra or {}) do o[k] = v end
  return o
end

--- Server output so far (stdout and stderr).
function Emulator:log()
  return read_file(self.log_path) or ""
end

--- Stop the server and wait for it to exit. Safe to call more than once.
function Emulator:stop()
  if self.stopped then return true end
  self.stopped = true
  local pid = self.pid
  if pid then
    run("kill -TERM " .. pid .. " 2>/dev/null")
    local waited = 0
    while pid_alive(pid) and waited < 5 do
      sleep(0.05)
      waited = waited + 0.05
    end
    if pid_alive(pid) then run("kill -KILL " .. pid .. " 2>/dev/null") end
  end
  if self.keep_log then
    local log = self.log_path
    self.log_path = nil
    remove_files(self)
    self.log_path = log
  else
    remove_files(self)
  end
  return true
end

return M
