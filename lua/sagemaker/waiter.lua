--- Waiting for an AutoML job to finish.
--
--    local desc = client:wait_for_auto_ml_job("churn", {
--      interval = 30,            -- seconds between DescribeAutoMLJob calls
--      timeout = 4 * 3600,       -- give up after this many seconds (default: no limit)
--      on_progress = function(d) print(d.AutoMLJobStatus, d.AutoMLJobSecondaryStatus) end,
--    })
--    print(desc.BestCandidate.CandidateName)
--
-- The waiter polls DescribeAutoMLJob until the job reaches a terminal status:
--
-- * `Completed`: returns the final description;
-- * `Failed`: raises an error object with `kind = "waiter"`, `code = "AutoMLJobFailed"`,
--   `failure_reason` (the job's FailureReason) and `description` (the last description);
-- * `Stopped`: raises `kind = "waiter"`, `code = "AutoMLJobStopped"`, same fields;
-- * deadline passed: raises `kind = "timeout"`, `code = "WaiterTimeout"`, with the last
--   `description` and `elapsed` seconds.
--
-- Errors of the describe call itself (ResourceNotFound, network, ...) are raised as they
-- are; the client already retried what could be retried.
--
-- **Sleeping.** Plain Lua has no portable sleep. Between polls the waiter calls
-- `opts.sleep(seconds)` if given, else `waiter.sleep`. The default `waiter.sleep` uses
-- `ngx.sleep` when running inside OpenResty (it yields, the worker is not blocked), and
-- otherwise runs the `sleep` command through `os.execute` (one short-lived process per
-- poll: fine for intervals of seconds). Replace `waiter.sleep` (module-wide) or pass
-- `opts.sleep` (per call) to use something else, e.g. `socket.sleep` or a
-- scheduler's yield. The clock used for the deadline is `opts.clock` or `waiter.clock`
-- (seconds, any origin, must not go backwards).
-- @module sagemaker.waiter
local errors = require("sagemaker.error")
local config = require("sagemaker.config")

local M = {}

--- Terminal job statuses and what the waiter does on them.
-- @table TERMINAL
M.TERMINAL = { Completed = "return", Failed = "AutoMLJobFailed", Stopped = "AutoMLJobStopped" }

--- Default seconds between polls.
M.DEFAULT_INTERVAL = 30

local OPTIONS = {
  interval = "number", timeout = "number", on_progress = "function", on_poll = "function",
  sleep = "function", clock = "function",
}

local function ngx_sleep()
  local ngx = rawget(_G, "ngx")
  if type(ngx) == "table" and type(ngx.sleep) == "function" then return ngx.sleep end
  return nil
end

-- os.execute: 5.1 and LuaJIT return the wait status; 5.2+ return true|nil, "exit"|"signal", n.
-- Returns ok, killed_by_signal.
local function command_result(a, how)
  if type(a) == "number" then return a == 0, a % 256 ~= 0 end
  return a == true, how == "signal"
end

--- Sleep for `seconds` (default sleep of the waiter; replaceable).
-- Inside OpenResty uses `ngx.sleep`; otherwise runs `sleep` via `os.execute`.
-- When the sleep command is interrupted (Ctrl-C), raises an error object with
-- `kind = "waiter"`, `code = "Interrupted"`, so a waiting script stops at once;
-- when it cannot run, `code = "SleepFailed"` (pass a `sleep` option then).
-- @tparam number seconds
function M.sleep(seconds)
  if seconds ~= seconds or seconds <= 0 then return end  -- also NaN
  local nsleep = ngx_sleep()
  if nsleep then return nsleep(seconds) end
  local ok, signalled = command_result(os.execute(("sleep %.3f"):format(seconds)))
  if not ok then
    error(errors.new { kind = "waiter", code = signalled and "Interrupted" or "SleepFailed", retryable = false,
      message = signalled and "interrupted while waiting" or
        "the 'sleep' command failed; give wait_for_auto_ml_job a 'sleep' option" }, 0)
  end
end

local function read_uptime()
  local f = io.open("/proc/uptime", "r")
  if not f then return nil end
  local s = f:read("*l")
  f:close()
  return tonumber(s and s:match("^(%d+%.?%d*)"))
end

--- Seconds on a clock that does not go backwards (default clock of the waiter; replaceable).
-- `ngx.now()` inside OpenResty (after `ngx.update_time()`), else Linux's `/proc/uptime`
-- (10 ms resolution), else `os.time()` (1 s resolution).
-- @treturn number
function M.clock()
  local ngx = rawget(_G, "ngx")
  if type(ngx) == "table" and type(ngx.now) == "function" then
    if type(ngx.update_time) == "function" then ngx.update_time() end
    return ngx.now()
  end
  return read_uptime() or os.time()
end

local function check_opts(opts, level)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error("wait_for_auto_ml_job options must be a table, got " .. type(opts), level + 1)
  end
  for k, v in pairs(opts) do
    local want = OPTIONS[k]
    if not want then
      local hint = type(k) == "string" and config.suggest(k, OPTIONS)
      error(("unknown wait_for_auto_ml_job option '%s'%s"):format(tostring(k),
        hint and (" (did you mean '" .. hint .. "'?)") or ""), level + 1)
    end
    if type(v) ~= want then
      error(("wait_for_auto_ml_job option '%s' must be a %s, got %s"):format(k, want, type(v)), level + 1)
    end
  end
  if opts.interval ~= nil and (opts.interval ~= opts.interval or opts.interval <= 0) then
    error("wait_for_auto_ml_job option 'interval' must be > 0", level + 1)
  end
  if opts.timeout ~= nil and (opts.timeout ~= opts.timeout or opts.timeout < 0) then
    error("wait_for_auto_ml_job option 'timeout' must be >= 0", level + 1)
  end
  return opts
end

local function status_line(desc)
  local s = tostring(desc.AutoMLJobStatus)
  if desc.AutoMLJobSecondaryStatus then s = s .. "/" .. tostring(desc.AutoMLJobSecondaryStatus) end
  return s
end

--- Poll DescribeAutoMLJob until the job `name` reaches a terminal status.
-- @tparam Client client a client from `sagemaker.client`
-- @tparam string name the AutoMLJobName
-- @tparam[opt] table opts
--
--  * `interval` (number, seconds between polls, default 30);
--  * `timeout` (number, seconds before giving up, default none: the job's own
--    MaxAutoMLJobRuntimeInSeconds bounds it);
--  * `on_progress` (function(desc)): called with the description whenever the status or
--    the secondary status differs from the previous poll (and on the first poll);
--  * `on_poll` (function(desc, elapsed)): called after every poll;
--  * `sleep` (function(seconds)), `clock` (function() -> seconds): replace
--    `waiter.sleep` / `waiter.clock` for this call.
-- @treturn table the final DescribeAutoMLJob response (status `Completed`)
-- @raise `waiter` error (`AutoMLJobFailed`, `AutoMLJobStopped`), `timeout` error
--   (`WaiterTimeout`), or any error of the describe call
function M.wait(client, name, opts)
  if type(name) ~= "string" then
    error("wait_for_auto_ml_job expects the job name (a string), got " .. type(name), 2)
  end
  opts = check_opts(opts, 2)
  local interval = opts.interval or M.DEFAULT_INTERVAL
  local sleep = opts.sleep or M.sleep
  local clock = opts.clock or M.clock
  local start = clock()
  local deadline = opts.timeout and (start + opts.timeout)
  local last_status, last_secondary
  while true do
    local desc = client:describe_auto_ml_job { AutoMLJobName = name }
    local status, secondary = desc.AutoMLJobStatus, desc.AutoMLJobSecondaryStatus
    if status ~= last_status or secondary ~= last_secondary then
      last_status, last_secondary = status, secondary
      if opts.on_progress then opts.on_progress(desc) end
    end
    local now = clock()
    if opts.on_poll then opts.on_poll(desc, now - start) end
    local outcome = M.TERMINAL[status]
    if outcome == "return" then
      return desc
    elseif outcome then
      local reason = desc.FailureReason
      local message = ("AutoML job '%s' %s"):format(name, status == "Failed" and "failed" or "was stopped")
      if reason then message = message .. ": " .. tostring(reason) end
      error(errors.new { kind = "waiter", code = outcome, message = message, retryable = false,
        job_name = name, job_status = status, failure_reason = reason,
        description = desc }, 0)
    end
    if deadline and now >= deadline then
      error(errors.new { kind = "timeout", code = "WaiterTimeout", retryable = false,
        message = ("AutoML job '%s' did not finish within %g s (last status %s)"):format(
          name, opts.timeout, status_line(desc)),
        job_name = name, job_status = status, elapsed = now - start, description = desc }, 0)
    end
    local pause = interval
    if deadline and deadline - now < pause then pause = deadline - now end
    sleep(pause)
  end
end

--- Add `client:wait_for_auto_ml_job(name, opts)` to the client class.
-- Called once by `sagemaker` at load time.
-- @tparam table Client the client metatable
function M.install(Client)
  Client.wait_for_auto_ml_job = function(self, name, opts)
    if type(name) ~= "string" then
      error("wait_for_auto_ml_job expects the job name (a string), got " .. type(name), 2)
    end
    check_opts(opts, 2)
    return M.wait(self, name, opts)
  end
end

--- Wait until an AutoML job finishes; see `wait`.
-- Installed on the client; documented here.
-- @function Client:wait_for_auto_ml_job
-- @tparam string name the AutoMLJobName
-- @tparam[opt] table opts `interval`, `timeout`, `on_progress`, `on_poll`, `sleep`, `clock`
-- @treturn table the final description (status `Completed`)
-- @raise `waiter` error on Failed/Stopped, `timeout` error at the deadline
-- @usage local desc = client:wait_for_auto_ml_job("churn", { interval = 60, timeout = 6 * 3600 })

return M
