--- The `sagemaker-automl` command-line tool.
--
--    sagemaker-automl create --cli-input-json file://job.json
--    sagemaker-automl wait customer-churn --interval 30
--    sagemaker-automl candidates customer-churn --max-items 5
--
-- `bin/sagemaker-automl` is a launcher that calls `main`; the functions here can also be
-- used from Lua (`require("sagemaker.cli").main{ "list", "--status", "Completed" }`).
--
-- Commands: `create`, `validate`, `describe`, `wait`, `list`, `stop`, `candidates`.
-- Global options (AWS CLI spelling): `--region`, `--profile`, `--endpoint-url`,
-- `--output json|text`. Configuration is resolved as by `sagemaker.client` (options, then
-- the AWS_* environment, then the profile). Results go to stdout; errors, and the live
-- progress of `wait`, go to stderr.
--
-- Exit codes: 0 success; 1 the request failed (validation, service, network, credentials,
-- configuration errors; a job that ended Failed or Stopped; a wait that timed out; an
-- invalid job file for `validate`); 2 usage errors (unknown command or option, missing
-- argument, unreadable `--cli-input-json`); 130 interrupted.
-- @module sagemaker.cli
local sagemaker = require("sagemaker")
local waiter = require("sagemaker.waiter")
local config = require("sagemaker.config")

local M = {}

M.PROGRAM = "sagemaker-automl"

local USAGE = [[
usage: sagemaker-automl [global options] COMMAND [ARGS] [options]

commands:
  create --cli-input-json file://JOB.json [--auto-ml-job-name NAME]
                          create an AutoML job from the AWS CLI's input format
  validate --cli-input-json file://JOB.json
                          check a job file locally (no network); exit 0 valid, 1 invalid
  describe NAME           show a job
  wait NAME [--interval SECONDS] [--timeout SECONDS]
                          wait until the job finishes, showing its progress on stderr
  list [--status S] [--name-contains TEXT] [--sort-by Name|CreationTime|Status]
       [--sort-order Ascending|Descending] [--max-items N]
                          list jobs
  stop NAME               ask a running job to stop
  candidates NAME [--status S] [--max-items N]
                          the job's candidates ranked by the objective metric, best first

global options:
  --region REGION         AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile)
  --profile NAME          shared config/credentials profile (else AWS_PROFILE)
  --endpoint-url URL      send requests to this endpoint (e.g. a local emulator)
  --output json|text      output format (else AWS_DEFAULT_OUTPUT; default text)
  --help, --version

exit codes: 0 ok, 1 request or job failed, 2 usage error, 130 interrupted
]]

local GLOBAL_OPTIONS = { region = true, profile = true, ["endpoint-url"] = true, output = true }

local COMMANDS = {
  create = { nargs = 0, opts = { ["cli-input-json"] = true, ["auto-ml-job-name"] = true },
    required = { "cli-input-json" } },
  validate = { nargs = 0, opts = { ["cli-input-json"] = true }, required = { "cli-input-json" } },
  describe = { nargs = 1, opts = {} },
  wait = { nargs = 1, opts = { interval = true, timeout = true } },
  list = { nargs = 0, opts = { status = true, ["name-contains"] = true, ["sort-by"] = true,
    ["sort-order"] = true, ["max-items"] = true } },
  stop = { nargs = 1, opts = {} },
  candidates = { nargs = 1, opts = { status = true, ["max-items"] = true } },
}

--- Metrics Autopilot minimizes (all others are maximized); used only when no
-- candidate states its `FinalAutoMLJobObjectiveMetric.Type`.
-- @table MINIMIZED_METRICS
M.MINIMIZED_METRICS = { MSE = true, RMSE = true, MAE = true, MAPE = true, MASE = true, WAPE = true,
  AverageWeightedQuantileLoss = true }

-- A usage error: caught by main, exit code 2.
local Usage = {}
Usage.__index = Usage
local function usage_error(fmt, ...)
  error(setmetatable({ message = fmt:format(...) }, Usage), 0)
end

-- -------------------------------------------------------------------------
-- helpers

local function cjson()
  local ok, mod = pcall(require, "cjson")
  if not ok then error("sagemaker-automl needs lua-cjson: " .. tostring(mod), 0) end
  return mod
end

-- Did os.execute's command succeed (5.1/LuaJIT return a number, 5.2+ true|nil)?
local function command_ok(a)
  if type(a) == "number" then return a == 0 end
  return a == true
end

--- Is file descriptor `fd` (1 or 2) a terminal? (Runs `test -t`, so it works without C help.)
-- @tparam number fd
-- @treturn boolean
function M.isatty(fd)
  return command_ok(os.execute(("test -t %d"):format(fd)))
end

--- Format epoch seconds as ISO 8601 UTC (`2026-11-02T10:04:05Z`); `-` for nil.
-- @tparam[opt] number t
-- @treturn string
function M.format_time(t)
  if type(t) ~= "number" then return "-" end
  return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(t))
end

--- Format a duration in seconds as `H:MM:SS`.
-- @tparam number s
-- @treturn string
function M.format_duration(s)
  s = math.floor(math.max(0, s or 0))
  return ("%d:%02d:%02d"):format(math.floor(s / 3600), math.floor(s / 60) % 60, s % 60)
end

local function format_value(v)
  if type(v) ~= "number" then return "-" end
  return ("%.6g"):format(v)
end

--- Rank candidates by their objective metric, best first.
-- Candidates with a `FinalAutoMLJobObjectiveMetric` come first, ordered by its value in
-- the metric's direction (`Type`: Minimize or Maximize; when no candidate states it, the
-- metric name decides, see `MINIMIZED_METRICS`); the others follow in their creation order.
-- Ties are broken by candidate name.
-- @tparam table candidates list of `AutoMLCandidate` tables (not modified)
-- @treturn table a new, ranked list
-- @treturn string direction, `"Maximize"` or `"Minimize"`
-- @treturn string|nil the metric name
function M.rank_candidates(candidates)
  local direction, metric
  for _, c in ipairs(candidates) do
    local m = c.FinalAutoMLJobObjectiveMetric
    if type(m) == "table" then
      metric = metric or m.MetricName
      if m.Type == "Maximize" or m.Type == "Minimize" then direction = direction or m.Type end
    end
  end
  direction = direction or ((metric and M.MINIMIZED_METRICS[metric]) and "Minimize" or "Maximize")
  local ranked, order = {}, {}
  for i, c in ipairs(candidates) do ranked[i] = c; order[c] = i end
  local function value(c)
    local m = c.FinalAutoMLJobObjectiveMetric
    return type(m) == "table" and type(m.Value) == "number" and m.Value or nil
  end
  table.sort(ranked, function(a, b)
    local va, vb = value(a), value(b)
    if va and vb then
      if va ~= vb then
        if direction == "Minimize" then return va < vb end
        return va > vb
      end
      return tostring(a.CandidateName) < tostring(b.CandidateName)
    end
    if va or vb then return va ~= nil end
    return order[a] < order[b]
  end)
  return ranked, direction, metric
end

-- Render rows as aligned columns (the names in this API are ASCII).
local function columns(header, rows)
  local widths = {}
  for i, h in ipairs(header) do widths[i] = #h end
  for _, r in ipairs(rows) do
    for i, cell in ipairs(r) do
      if #cell > widths[i] then widths[i] = #cell end
    end
  end
  local lines = {}
  local function line(cells)
    local parts = {}
    for i, cell in ipairs(cells) do
      parts[i] = i < #cells and (cell .. (" "):rep(widths[i] - #cell)) or cell
    end
    lines[#lines + 1] = table.concat(parts, "  ")
  end
  line(header)
  for _, r in ipairs(rows) do line(r) end
  return table.concat(lines, "\n") .. "\n"
end

local function without_metadata(t)
  local c = {}
  for k, v in pairs(t) do
    if k ~= "ResponseMetadata" then c[k] = v end
  end
  return c
end

-- JSON text. lua-cjson 2.1.0 (Debian 12) writes "/" as "\/" (valid, but S3 URIs and
-- ARNs read badly): undo that escape wherever the backslash is not itself escaped.
local function encode(v)
  return (cjson().encode(v):gsub("(\\+)/", function(bs)
    if #bs % 2 == 1 then return bs:sub(2) .. "/" end
  end))
end

-- lua-cjson 2.1.0 encodes an empty table as {}; a top-level list we build
-- ourselves is written as [] when empty.
local function json_with_list(key, list, extra)
  if #list > 0 then
    local t = { [key] = list }
    for k, v in pairs(extra or {}) do t[k] = v end
    return encode(t)
  end
  local body = encode(extra or {})
  local sep = body == "{}" and "" or ","
  return "{" .. encode(key) .. ":[]" .. sep .. body:sub(2)
end

local function read_job_input(value)
  local text
  local path = value:match("^file://(.*)$")
  if path then
    local f, err = io.open(path, "rb")
    if not f then usage_error("--cli-input-json: cannot read %s: %s", path, tostring(err)) end
    text = f:read("*a")
    f:close()
  elseif value:match("^%s*{") then
    text = value
  else
    usage_error("--cli-input-json expects file://PATH or a JSON object, got '%s'", value)
  end
  local ok, job = pcall(cjson().decode, text)
  if not ok then usage_error("--cli-input-json: not valid JSON: %s", tostring(job)) end
  if type(job) ~= "table" or (next(job) ~= nil and job[1] ~= nil) then
    usage_error("--cli-input-json: expected a JSON object with the CreateAutoMLJob members")
  end
  return job
end

local function positive_number(opts, name, integer)
  local v = opts[name]
  if v == nil then return nil end
  local n = tonumber(v)
  if not n or n <= 0 or (integer and n ~= math.floor(n)) then
    usage_error("--%s expects a positive %s, got '%s'", name, integer and "integer" or "number", v)
  end
  return n
end

-- -------------------------------------------------------------------------
-- argument parsing

--- Parse a command line.
-- @tparam table argv the arguments (`arg` of the launcher; index 1..n)
-- @treturn table `{ command =, args = { ... }, opts = { ["option-name"] = value }, help =, version = }`
-- @raise a usage error table (not a library error) for unknown commands/options or missing values
function M.parse(argv)
  local r = { args = {}, opts = {} }
  local positional = {}
  local i, n = 1, #argv
  local rest = false
  while i <= n do
    local a = argv[i]
    if type(a) ~= "string" then usage_error("argument %d is not a string", i) end
    if rest or a:sub(1, 1) ~= "-" or a == "-" then
      positional[#positional + 1] = a
    elseif a == "--" then
      rest = true
    elseif a == "--help" or a == "-h" then
      r.help = true
    elseif a == "--version" then
      r.version = true
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      if not name then
        name = a:sub(3)
        value = argv[i + 1]
        if value == nil then usage_error("option --%s needs a value", name) end
        i = i + 1
      end
      r.opts[name] = value
    else
      usage_error("unknown option '%s'", a)
    end
    i = i + 1
  end
  if r.help or r.version then return r end
  r.command = positional[1]
  if not r.command then usage_error("no command given") end
  local spec = COMMANDS[r.command]
  if not spec then
    local hint = config.suggest(r.command, COMMANDS)
    usage_error("unknown command '%s'%s", r.command, hint and (" (did you mean '" .. hint .. "'?)") or "")
  end
  for k = 2, #positional do r.args[#r.args + 1] = positional[k] end
  if #r.args ~= spec.nargs then
    if spec.nargs == 0 then
      usage_error("%s takes no arguments, got '%s'", r.command, r.args[1])
    elseif #r.args == 0 then
      usage_error("%s needs the job name", r.command)
    else
      usage_error("%s takes one job name, got %d arguments", r.command, #r.args)
    end
  end
  for name in pairs(r.opts) do
    if not GLOBAL_OPTIONS[name] and not spec.opts[name] then
      local known = {}
      for k in pairs(GLOBAL_OPTIONS) do known[k] = true end
      for k in pairs(spec.opts) do known[k] = true end
      local hint = config.suggest(name, known)
      usage_error("unknown option --%s for %s%s", name, r.command,
        hint and (" (did you mean --" .. hint .. "?)") or "")
    end
  end
  for _, name in ipairs(spec.required or {}) do
    if r.opts[name] == nil then usage_error("%s needs --%s", r.command, name) end
  end
  return r
end

-- -------------------------------------------------------------------------
-- commands

local commands = {}

local function client_for(ctx)
  local o = ctx.opts
  local opts = {}
  for k, v in pairs(ctx.client_options or {}) do opts[k] = v end
  if o.region then opts.region = o.region end
  if o.profile then opts.profile = o.profile end
  if o["endpoint-url"] then opts.endpoint = o["endpoint-url"] end
  return sagemaker.client(opts)
end

function commands.validate(ctx)
  local job = read_job_input(ctx.opts["cli-input-json"])
  local ok, err = sagemaker.validate("create_auto_ml_job", job)
  if ctx.json then
    if ok then
      ctx.out(encode { valid = true } .. "\n")
    else
      local list = {}
      for i, e in ipairs(err.errors or {}) do list[i] = { path = e.path, message = e.message } end
      if #list == 0 then list[1] = { path = "", message = err.message } end
      ctx.out(json_with_list("errors", list, { valid = false }) .. "\n")
    end
  elseif ok then
    ctx.out("valid\n")
  else
    local list = err.errors or {}
    ctx.err(("%s: invalid job: %d problem(s)\n"):format(M.PROGRAM, math.max(#list, 1)))
    if #list == 0 then ctx.err("  " .. tostring(err.message) .. "\n") end
    for _, e in ipairs(list) do
      ctx.err(("  %s: %s\n"):format(e.path ~= "" and e.path or "(request)", e.message))
    end
  end
  return ok and 0 or 1
end

function commands.create(ctx)
  local job = read_job_input(ctx.opts["cli-input-json"])
  if ctx.opts["auto-ml-job-name"] then job.AutoMLJobName = ctx.opts["auto-ml-job-name"] end
  ctx.client = client_for(ctx)
  local out = ctx.client:create_auto_ml_job(job)
  if ctx.json then
    ctx.out(encode(without_metadata(out)) .. "\n")
  else
    ctx.out(out.AutoMLJobArn .. "\n")
  end
  return 0
end

local function best_of(desc)
  local b = desc.BestCandidate
  if type(b) == "table" and type(b.FinalAutoMLJobObjectiveMetric) == "table" then
    return b.CandidateName, b.FinalAutoMLJobObjectiveMetric
  end
  return nil
end

local function objective_name(desc)
  local ra = desc.ResolvedAttributes
  local o = (type(ra) == "table" and ra.AutoMLJobObjective) or desc.AutoMLJobObjective
  return type(o) == "table" and o.MetricName or nil
end

function commands.describe(ctx)
  local desc = ctx.client:describe_auto_ml_job { AutoMLJobName = ctx.args[1] }
  if ctx.json then
    ctx.out(encode(without_metadata(desc)) .. "\n")
    return 0
  end
  local rows = {
    { "Name", desc.AutoMLJobName },
    { "ARN", desc.AutoMLJobArn },
    { "Status", ("%s (%s)"):format(tostring(desc.AutoMLJobStatus), tostring(desc.AutoMLJobSecondaryStatus)) },
    { "Created", M.format_time(desc.CreationTime) },
    { "Last modified", M.format_time(desc.LastModifiedTime) },
  }
  if desc.EndTime then rows[#rows + 1] = { "Ended", M.format_time(desc.EndTime) } end
  local problem = (type(desc.ResolvedAttributes) == "table" and desc.ResolvedAttributes.ProblemType)
    or desc.ProblemType
  if problem then rows[#rows + 1] = { "Problem type", problem } end
  local metric = objective_name(desc)
  if metric then rows[#rows + 1] = { "Objective", metric } end
  if desc.FailureReason then rows[#rows + 1] = { "Failure reason", desc.FailureReason } end
  local best, m = best_of(desc)
  if best then
    rows[#rows + 1] = { "Best candidate", best }
    rows[#rows + 1] = { "Best " .. tostring(m.MetricName), format_value(m.Value) }
  end
  if type(desc.ModelDeployResult) == "table" and desc.ModelDeployResult.EndpointName then
    rows[#rows + 1] = { "Endpoint", desc.ModelDeployResult.EndpointName }
  end
  local width = 0
  for _, r in ipairs(rows) do width = math.max(width, #r[1]) end
  for _, r in ipairs(rows) do
    ctx.out(("%-" .. width .. "s  %s\n"):format(r[1], tostring(r[2])))
  end
  return 0
end

function commands.stop(ctx)
  ctx.client:stop_auto_ml_job { AutoMLJobName = ctx.args[1] }
  if ctx.json then
    ctx.out("{}\n")
  else
    ctx.out(("stop requested: %s\n"):format(ctx.args[1]))
  end
  return 0
end

function commands.list(ctx)
  local o = ctx.opts
  local params = { StatusEquals = o.status, NameContains = o["name-contains"], SortBy = o["sort-by"],
    SortOrder = o["sort-order"] }
  local limit = positive_number(o, "max-items", true)
  local jobs = {}
  for job in ctx.client:each_auto_ml_job(params, { limit = limit }) do jobs[#jobs + 1] = job end
  if ctx.json then
    ctx.out(json_with_list("AutoMLJobSummaries", jobs) .. "\n")
    return 0
  end
  local rows = {}
  for i, j in ipairs(jobs) do
    rows[i] = { j.AutoMLJobName, tostring(j.AutoMLJobStatus), tostring(j.AutoMLJobSecondaryStatus),
      M.format_time(j.CreationTime), j.EndTime and M.format_time(j.EndTime) or "-" }
  end
  ctx.out(columns({ "NAME", "STATUS", "SECONDARY STATUS", "CREATED", "ENDED" }, rows))
  return 0
end

function commands.candidates(ctx)
  local o = ctx.opts
  local limit = positive_number(o, "max-items", true)
  local all = {}
  for c in ctx.client:each_candidate { AutoMLJobName = ctx.args[1], StatusEquals = o.status, MaxResults = 100 } do
    all[#all + 1] = c
  end
  local ranked, direction, metric = M.rank_candidates(all)
  if limit then
    for k = #ranked, limit + 1, -1 do ranked[k] = nil end
  end
  if ctx.json then
    ctx.out(json_with_list("Candidates", ranked) .. "\n")
    return 0
  end
  local rows = {}
  for i, c in ipairs(ranked) do
    local m = c.FinalAutoMLJobObjectiveMetric
    local v = type(m) == "table" and m.Value or nil
    rows[i] = { v and tostring(i) or "-", c.CandidateName, tostring(c.CandidateStatus), format_value(v) }
  end
  local header = ("%s (%s)"):format(metric or "OBJECTIVE", direction == "Minimize" and "lower is better"
    or "higher is better")
  ctx.out(columns({ "RANK", "CANDIDATE", "STATUS", header }, rows))
  return 0
end

-- Best completed candidate so far, for the progress line: one request, sorted by the
-- service. The direction is learnt from the first candidate seen.
local function best_so_far(ctx, state, name)
  if state.no_best then return nil end
  local function fetch(order)
    local page = ctx.client:list_candidates_for_auto_ml_job { AutoMLJobName = name, StatusEquals = "Completed",
      SortBy = "FinalObjectiveMetricValue", SortOrder = order, MaxResults = 1 }
    return (page.Candidates or {})[1]
  end
  local ok, c = pcall(function()
    local order = state.direction == "Minimize" and "Ascending" or "Descending"
    local cand = fetch(order)
    local m = cand and cand.FinalAutoMLJobObjectiveMetric
    if type(m) == "table" and (m.Type == "Minimize" or m.Type == "Maximize") and state.direction == nil then
      state.direction = m.Type
      if m.Type == "Minimize" then cand = fetch("Ascending") end
    end
    return cand
  end)
  if not ok then
    if not sagemaker.is_error(c) then error(c, 0) end   -- e.g. the interpreter's "interrupted!"
    state.no_best = true   -- e.g. no permission to list candidates: progress goes on without it
    return nil
  end
  local m = c and c.FinalAutoMLJobObjectiveMetric
  if type(m) == "table" and type(m.Value) == "number" then return c.CandidateName, m end
  return nil
end

local function progress_line(desc, best_metric)
  local elapsed = (desc.EndTime or os.time()) - (desc.CreationTime or os.time())
  local best = "-"
  if best_metric then best = ("%s %s"):format(tostring(best_metric.MetricName), format_value(best_metric.Value)) end
  return ("%s  %s  %s  elapsed %s  best %s"):format(tostring(desc.AutoMLJobName), tostring(desc.AutoMLJobStatus),
    tostring(desc.AutoMLJobSecondaryStatus), M.format_duration(elapsed), best)
end

function commands.wait(ctx)
  local name = ctx.args[1]
  local interval = positive_number(ctx.opts, "interval") or waiter.DEFAULT_INTERVAL
  local timeout = ctx.opts.timeout and positive_number(ctx.opts, "timeout")
  local live = ctx.isatty(2) and os.getenv("TERM") ~= "dumb"
  local state, last_line, best_metric = {}, nil, nil
  local shown = false
  local function on_poll(desc)
    if desc.AutoMLJobStatus == "InProgress" and desc.AutoMLJobSecondaryStatus ~= "Starting"
        and desc.AutoMLJobSecondaryStatus ~= "AnalyzingData" then
      local _, m = best_so_far(ctx, state, name)
      best_metric = m or best_metric
    end
    local _, final = best_of(desc)
    best_metric = final or best_metric
    local line = progress_line(desc, best_metric)
    if live then
      ctx.err("\r\27[K" .. line)
      shown = true
    else
      -- Plain lines, only when something other than the clock changed.
      local key = line:gsub("  elapsed [%d:]+", "")
      if key ~= last_line then ctx.err(line .. "\n") end
      last_line = key
    end
  end
  local ok, result = pcall(ctx.client.wait_for_auto_ml_job, ctx.client, name,
    { interval = interval, timeout = timeout, on_poll = on_poll })
  if shown then ctx.err("\n") end
  if not ok then error(result, 0) end
  local desc = result
  if ctx.json then
    ctx.out(encode(without_metadata(desc)) .. "\n")
    return 0
  end
  local best, m = best_of(desc)
  local elapsed = M.format_duration((desc.EndTime or os.time()) - (desc.CreationTime or os.time()))
  if best then
    ctx.out(("%s %s in %s; best candidate %s with %s %s\n"):format(name, desc.AutoMLJobStatus, elapsed, best,
      tostring(m.MetricName), format_value(m.Value)))
  else
    ctx.out(("%s %s (%s) in %s\n"):format(name, desc.AutoMLJobStatus, tostring(desc.AutoMLJobSecondaryStatus),
      elapsed))
  end
  return 0
end

-- -------------------------------------------------------------------------
-- main

local function report(ctx, err)
  if getmetatable(err) == Usage then
    ctx.err(("%s: %s\n"):format(M.PROGRAM, err.message))
    ctx.err(("Run '%s --help' for usage.\n"):format(M.PROGRAM))
    return 2
  end
  if sagemaker.is_error(err) then
    if err.code == "Interrupted" then
      ctx.err(("\n%s: interrupted\n"):format(M.PROGRAM))
      return 130
    end
    if err.kind == "validation" and type(err.errors) == "table" and #err.errors > 0 then
      ctx.err(("%s: validation error: %d problem(s)\n"):format(M.PROGRAM, #err.errors))
      for _, e in ipairs(err.errors) do
        ctx.err(("  %s: %s\n"):format(e.path ~= "" and e.path or "(request)", e.message))
      end
    else
      ctx.err(("%s: %s\n"):format(M.PROGRAM, (tostring(err):gsub("^sagemaker: ", ""))))
    end
    return 1
  end
  local msg = tostring(err)
  if msg:match("interrupted!$") then
    ctx.err(("\n%s: interrupted\n"):format(M.PROGRAM))
    return 130
  end
  ctx.err(("%s: %s\n"):format(M.PROGRAM, msg))
  return 1
end

--- Run the tool.
-- @tparam table argv command-line arguments (index 1..n)
-- @tparam[opt] table host for programs that embed the tool: `stdout`, `stderr` (objects
--   with `:write`; default `io.stdout`, `io.stderr`), `isatty` (function(fd); default
--   `isatty`), `client_options` (extra `sagemaker.client` options, e.g. `credentials`;
--   the command line's `--region`, `--profile` and `--endpoint-url` win)
-- @treturn number the exit code
function M.main(argv, host)
  host = host or {}
  local stdout, stderr = host.stdout or io.stdout, host.stderr or io.stderr
  local ctx = {
    out = function(s) stdout:write(s) end,
    err = function(s) stderr:write(s); if stderr.flush then stderr:flush() end end,
    isatty = host.isatty or M.isatty,
    client_options = host.client_options,
  }
  local ok, code = pcall(function()
    if type(argv) ~= "table" then usage_error("main expects the argument list") end
    local r = M.parse(argv)
    if r.help then ctx.out(USAGE); return 0 end
    if r.version then ctx.out(("%s %s\n"):format(M.PROGRAM, tostring(sagemaker._VERSION))); return 0 end
    local output = r.opts.output
    if output == nil then
      output = (os.getenv("AWS_DEFAULT_OUTPUT") == "json") and "json" or "text"
    elseif output ~= "json" and output ~= "text" then
      usage_error("--output must be json or text, got '%s'", output)
    end
    ctx.json = output == "json"
    ctx.opts, ctx.args = r.opts, r.args
    if r.command ~= "validate" and r.command ~= "create" then ctx.client = client_for(ctx) end
    local rc = commands[r.command](ctx)
    if ctx.client then ctx.client:close() end
    return rc
  end)
  if stdout.flush then stdout:flush() end
  if ok then return code end
  if ctx.client then pcall(ctx.client.close, ctx.client) end
  return report(ctx, code)
end

return M
