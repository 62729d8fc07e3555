--- Benchmark worker: one measurement per fresh process, driven by bench/run.lua.
--
--   lua5.4 bench/worker.lua MODE ARGS...
--
-- Output lines: "R name v1 v2 ..." (one value per run) and "I key value...".
-- Needs LUA_PATH with lua/ and bench/, LUA_CPATH with build/lua/ and bench/build/.
local mode = arg[1]

local CREDENTIALS = {
  access_key_id = "AKIDEXAMPLE",
  secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}
local SIGN_TIME = 1700000000 -- 2023-11-14T22:13:20Z
local BATCH = 100

local function rss_kib()
  local f = assert(io.open("/proc/self/status", "r"))
  local text = f:read("a")
  f:close()
  return tonumber(text:match("VmRSS:%s*(%d+)"))
end

local function emit(kind, name, values)
  local parts = { kind, name }
  for _, v in ipairs(values) do
    if math.type(v) == "float" then v = ("%.4f"):format(v) end
    parts[#parts + 1] = tostring(v)
  end
  io.write(table.concat(parts, " "), "\n")
  io.flush()
end

local median = require("median")

local function new_client(endpoint)
  local sagemaker = require("sagemaker")
  return sagemaker.client{
    region = "us-east-1",
    credentials = CREDENTIALS,
    endpoint = endpoint,
    validate = true,
  }
end

-- Per-call microseconds of one run of f(): the median over batches of
-- BATCH calls.
local function time_run(clock, f, calls)
  local b = {}
  for k = 1, math.max(1, calls // BATCH) do
    local t0 = clock.now()
    for _ = 1, BATCH do f() end
    b[k] = (clock.now() - t0) * 1e6 / BATCH
  end
  return median(b)
end

local modes = {}

-- Times fs[i] (one per request name) for RUNS runs of CALLS calls each
-- after a warm-up; the requests take turns run by run, so that a
-- disturbance of the machine is spread over all rows instead of skewing one.
-- Emits "R TAG_NAME" per name.
local function take_turns(tag, names, fs, runs, calls)
  local clock = require("benchclock")
  local per_run = {}
  runs, calls = tonumber(runs), tonumber(calls)
  for i = 1, #names do
    for _ = 1, math.max(1, math.min(2000, calls // 10)) do fs[i]() end -- warm up
    per_run[i] = {}
  end
  for r = 1, runs do
    for i = 1, #names do per_run[i][r] = time_run(clock, fs[i], calls) end
  end
  for i, name in ipairs(names) do emit("R", tag .. "_" .. name, per_run[i]) end
end

-- overhead RUNS CALLS NAME...: build_request per-call cost, no network.
function modes.overhead(runs, calls, ...)
  local requests = require("requests")
  local client = new_client(nil)
  local opts = { time = SIGN_TIME }
  local names, fs = { ... }, {}
  for i, name in ipairs(names) do
    local params = requests.named(name)
    local req = client:build_request("create_auto_ml_job", params, opts) -- fails loudly if invalid
    emit("I", "body_bytes_" .. name, { #req.body })
    fs[i] = function() client:build_request("create_auto_ml_job", params, opts) end
  end
  take_turns("ours", names, fs, runs, calls)
end

-- walk RUNS CALLS NAME...: the Lua C API's floor for reading the same
-- request tables (bench/c/luawalk.c: lua_next over every table, every key
-- and string read, nothing built), timed like `overhead`.
function modes.walk(runs, calls, ...)
  local requests = require("requests")
  local walk = require("luawalk")
  local names, fs = { ... }, {}
  for i, name in ipairs(names) do
    local params = requests.named(name)
    emit("I", "walk_entries_" .. name, { (walk(params)) })
    fs[i] = function() walk(params) end
  end
  take_turns("walk", names, fs, runs, calls)
end

local function write_file(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- dump DIR [ENDPOINT]: for minimal and maximal, the signed request as sent
-- (DIR/NAME.req: URL, header lines, empty line, body), the body alone, the
-- canonical request up to the payload hash (for bench/c/floor.c), and the
-- requests as JSON for the peers (DIR/requests.json).
function modes.dump(dir, endpoint)
  local requests = require("requests")
  local client = new_client(endpoint)
  local ok, cjson = pcall(require, "cjson")
  local json = {}
  for _, name in ipairs({ "minimal", "maximal" }) do
    local req = client:build_request("create_auto_ml_job", requests.named(name), { time = SIGN_TIME })
    local lines = { req.url }
    local lower = {}
    for _, k in ipairs(sorted_keys(req.headers)) do
      if k:lower() ~= "host" then lines[#lines + 1] = k .. ": " .. req.headers[k] end
      lower[k:lower()] = req.headers[k]
    end
    write_file(("%s/%s.req"):format(dir, name), table.concat(lines, "\n") .. "\n\n" .. req.body)
    write_file(("%s/%s.body"):format(dir, name), req.body)
    local auth = lower.authorization
    local scope = auth:match("Credential=[^/]+/([^,]+)")
    local signed = auth:match("SignedHeaders=([^,]+)")
    local signature = auth:match("Signature=(%x+)")
    local path = req.url:match("^https?://[^/]+(/.*)$") or "/"
    local canon = { req.method, path, "" }
    for h in signed:gmatch("[^;]+") do canon[#canon + 1] = h .. ":" .. lower[h] end
    canon[#canon + 1] = ""
    canon[#canon + 1] = signed
    write_file(("%s/%s.canon"):format(dir, name), table.concat(canon, "\n") .. "\n")
    emit("I", "sign_" .. name, { lower["x-amz-date"], scope, signature })
    if ok then json[name] = requests.named(name) end
  end
  if ok then write_file(dir .. "/requests.json", cjson.encode(json)) end
end

-- e2e PORT RUNS CALLS NAME: client:create_auto_ml_job calls per second
-- against the canned server (validation on, real signing, response parsed).
function modes.e2e(port, runs, calls, name)
  local clock = require("benchclock")
  local requests = require("requests")
  local client = new_client("http://127.0.0.1:" .. port)
  local params = requests.named(name)
  runs, calls = tonumber(runs), tonumber(calls)
  for _ = 1, 200 + calls // 10 do
    local out = client:create_auto_ml_job(params)
    assert(out.AutoMLJobArn, "no AutoMLJobArn in the response")
  end
  local per_run = {}
  for r = 1, runs do
    local t0 = clock.now()
    for _ = 1, calls do client:create_auto_ml_job(params) end
    per_run[r] = calls / (clock.now() - t0)
  end
  emit("R", "e2e_" .. name, per_run)
end

local function settle()
  collectgarbage("collect")
  collectgarbage("collect")
  return rss_kib()
end

-- rss_growth CALLS [PORT]: resident memory before and after CALLS calls of
-- build_request (maximal), and of create_auto_ml_job when PORT is given.
-- Measured after a warm-up of CALLS/10 calls and full garbage collections.
function modes.rss_growth(calls, port)
  local requests = require("requests")
  calls = tonumber(calls)
  local params = requests.maximal()
  local client = new_client(nil)
  local opts = { time = SIGN_TIME }
  for _ = 1, math.max(100, calls // 10) do client:build_request("create_auto_ml_job", params, opts) end
  local before = settle()
  for _ = 1, calls do client:build_request("create_auto_ml_job", params, opts) end
  emit("I", "rss_build", { before, settle(), calls })
  if port then
    local remote = new_client("http://127.0.0.1:" .. port)
    for _ = 1, math.max(100, calls // 10) do remote:create_auto_ml_job(params) end
    before = settle()
    for _ = 1, calls do remote:create_auto_ml_job(params) end
    emit("I", "rss_call", { before, settle(), calls })
  end
end

-- rss_bare / rss_full: resident memory of the interpreter running this
-- script, without and with require("sagemaker") + one client.
function modes.rss_bare()
  emit("I", "rss", { rss_kib() })
end

function modes.rss_full()
  local client = new_client(nil)
  assert(client)
  emit("I", "rss", { rss_kib() })
end

-- rss_first_call: require + one client, then what a first call maps: one
-- build_request (signing loads libcrypto) and one call that fails fast
-- (one attempt, connection refused on 127.0.0.1:1: the first transfer
-- loads libcurl). Deferred loading moves this memory to the first call; it
-- does not remove it.
function modes.rss_first_call()
  local sagemaker = require("sagemaker")
  local client = sagemaker.client{
    region = "us-east-1", credentials = CREDENTIALS, endpoint = "http://127.0.0.1:1", max_attempts = 1,
  }
  local input = { AutoMLJobName = "bench-first-call" }
  assert(client:build_request("describe_auto_ml_job", input, { time = SIGN_TIME }))
  local ok, err = pcall(client.describe_auto_ml_job, client, input)
  assert(not ok and err.kind == "network", "expected a refused connection, got " .. tostring(err))
  emit("I", "rss", { rss_kib() })
end

-- require_time: milliseconds spent in require("sagemaker") in a fresh process.
function modes.require_time()
  local clock = require("benchclock")
  local t0 = clock.now()
  local sagemaker = require("sagemaker")
  local t1 = clock.now()
  assert(sagemaker.client)
  emit("I", "require_ms", { (t1 - t0) * 1e3 })
end

local f = modes[mode]
if not f then
  io.stderr:write("usage: worker.lua overhead|walk|dump|e2e|rss_growth|rss_bare|rss_full|rss_first_call|"
    .. "require_time ARGS\n")
  os.exit(2)
end
f(table.unpack(arg, 2))
