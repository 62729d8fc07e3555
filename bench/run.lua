--- The benchmark driver behind `make bench` and `make bench-smoke`.
--
--   lua5.4 bench/run.lua [--smoke]      (run by bench/bench.sh, which sets the paths)
--
-- Runs every measurement in fresh processes (bench/worker.lua, the C programs
-- in bench/c/, the botocore and JS SDK peers, nginx as the canned server),
-- then prints one table: machine, commit, per row the median and min-max over
-- repeated runs, the comparison with the peers measured in this same run, and
-- whether the issue's target is met. --smoke runs everything for one short
-- iteration: it checks that the bench builds and runs, its numbers mean
-- nothing. Timing never fails a test; the exit status is 1 only when a
-- measurement of our own could not run.
local clock = require("benchclock")

local SMOKE = arg[1] == "--smoke"
local LUA = arg[-1] or "lua5.4"
local BUILD = os.getenv("BUILD") or "build"

local CFG = SMOKE and {
  runs = 1, calls = 100, grow_calls = 100, floor_calls = 100, boto_calls = 5, js_calls = 5,
  e2e_calls = 20, rss_calls = 200, procs = 1,
} or {
  runs = 5, calls = 20000, grow_calls = 10000, floor_calls = 20000, boto_calls = 1000, js_calls = 5000,
  e2e_calls = 5000, rss_calls = 100000, procs = 20,
}

local TARGET = {
  maximal_us = 10, floor_ratio = 2.5, botocore_x = 60, js_x = 25, e2e_pct = 80,
  require_ms = 5, rss_kib = 2000 * 1000 / 1024, growth_bytes_per_call = 1,
}

-- ---------------------------------------------------------------- helpers

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function trim(s) return (tostring(s or ""):gsub("^%s+", ""):gsub("%s+$", "")) end

local tmp = trim(io.popen("mktemp -d /tmp/smk-bench.XXXXXX"):read("a"))
assert(tmp:match("^/tmp/smk%-bench%."), "mktemp failed")

--- Run a shell command; returns ok, stdout, stderr.
local function run(cmd)
  local errf = tmp .. "/stderr.txt"
  local p = assert(io.popen(cmd .. " 2>" .. q(errf), "r"))
  local out = p:read("a")
  local ok = p:close()
  return ok and true or false, out, read_file(errf) or ""
end

local function first_line(s) return trim((s or ""):match("[^\n]*")) end

local function last_lines(s, n)
  local lines = {}
  for l in (s or ""):gmatch("[^\n]+") do lines[#lines + 1] = l end
  return table.concat(lines, " | ", math.max(1, #lines - n + 1))
end

local results, info = {}, {}

--- Parse "R name v1 v2 .." and "I key fields.." lines into results/info.
local function absorb(out)
  for line in out:gmatch("[^\n]+") do
    local kind, name, rest = line:match("^([RI]) (%S+)%s*(.*)$")
    if kind then
      local fields = {}
      for w in rest:gmatch("%S+") do fields[#fields + 1] = tonumber(w) or w end
      if kind == "I" then
        info[name] = fields
      else -- one command per run: values accumulate
        local t = results[name] or {}
        for _, v in ipairs(fields) do t[#t + 1] = v end
        results[name] = t
      end
    end
  end
end

local failures, skipped = {}, {}

--- Run a measurement of ours: a failure is recorded (and makes the exit status 1).
local function measure(what, cmd)
  local ok, out, err = run(cmd)
  absorb(out)
  if not ok then failures[#failures + 1] = what .. ": " .. last_lines(err ~= "" and err or out, 3) end
  return ok
end

--- Run a peer: a failure is a skip with the reason.
local function peer(what, cmd)
  local ok, out, err = run(cmd)
  absorb(out)
  if not ok then skipped[what] = last_lines(err ~= "" and err or out, 2) end
  return ok
end

local median = require("median")

local function stats(values)
  if not values or #values == 0 then return nil end
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(values) do
    if type(v) ~= "number" then return nil end
    lo, hi = math.min(lo, v), math.max(hi, v)
  end
  return { med = median(values), lo = lo, hi = hi, n = #values }
end

local function worker(args) return ("%s bench/worker.lua %s"):format(q(LUA), args) end

-- ---------------------------------------------------------------- machine

local function machine_info()
  local m = {}
  local cpu = read_file("/proc/cpuinfo") or ""
  m.cpu = trim(cpu:match("model name%s*:%s*([^\n]+)") or "unknown CPU")
  local mhz = cpu:match("cpu MHz%s*:%s*([%d.]+)")
  if mhz then m.cpu = ("%s @ %.0f MHz"):format(m.cpu, tonumber(mhz)) end
  local _, n = run("getconf _NPROCESSORS_ONLN")
  m.cores = trim(n)
  local os_release = read_file("/etc/os-release") or ""
  local _, kernel = run("uname -sr")
  m.os = ("%s, %s"):format(os_release:match('PRETTY_NAME="([^"]+)"') or "unknown OS", trim(kernel))
  local _, lv, lverr = run(q(LUA) .. " -v")
  m.lua = first_line(lv ~= "" and lv or lverr):match("^(%S+ %S+)") or _VERSION
  local cache = read_file(BUILD .. "/CMakeCache.txt") or ""
  local cc = cache:match("CMAKE_C_COMPILER:[A-Z]+=([^\n]+)") or "cc"
  local _, ccv = run(q(cc) .. " --version")
  local build_type = cache:match("CMAKE_BUILD_TYPE:[A-Z]+=([^\n]*)") or "?"
  local flags = cache:match("CMAKE_C_FLAGS_" .. build_type:upper() .. ":[A-Z]+=([^\n]*)") or ""
  m.compiler = ("%s, %s (%s)"):format(first_line(ccv), build_type, trim(flags))
  local _, ssl = run("openssl version")
  local _, curl = run("pkg-config --modversion libcurl")
  m.libs = ("%s, libcurl %s"):format(first_line(ssl):match("^(%S+ %S+)") or "OpenSSL ?", trim(curl))
  local _, head = run("git rev-parse --short HEAD")
  local _, dirty = run("git status --porcelain --untracked-files=no")
  m.commit = trim(head) ~= "" and trim(head) or "unknown"
  if trim(dirty) ~= "" then m.commit = m.commit .. " + uncommitted changes" end
  m.date = os.date("!%Y-%m-%d %H:%M UTC")
  m.load = trim((read_file("/proc/loadavg") or ""):match("^(%S+)"))
  return m
end

-- ---------------------------------------------------------------- nginx

local nginx = { port = nil }

local function nginx_start()
  local bin = os.getenv("BENCH_NGINX") or ""
  if bin == "" then
    skipped.nginx = os.getenv("BENCH_NGINX_WHY") or "nginx not found"
    return false
  end
  local dir = tmp .. "/nginx"
  os.execute("mkdir -p " .. q(dir .. "/logs") .. " " .. q(dir .. "/temp"))
  local body = '{"AutoMLJobArn":"arn:aws:sagemaker:us-east-1:123456789012:automl-job/bench"}'
  math.randomseed(os.time() + math.floor(clock.now() * 1000) % 100000)
  for _ = 1, 10 do
    local port = math.random(20000, 60000)
    local conf = table.concat({
      "daemon on;",
      "master_process on;",
      "worker_processes 1;",
      -- One CPU for nginx and the client (see PIN below).
      "worker_cpu_affinity 1;",
      ("pid %s/nginx.pid;"):format(dir),
      ("error_log %s/logs/error.log warn;"):format(dir),
      "events { worker_connections 64; }",
      "http {",
      "  access_log off;",
      ("  client_body_temp_path %s/temp/body;"):format(dir),
      ("  proxy_temp_path %s/temp/proxy;"):format(dir),
      ("  fastcgi_temp_path %s/temp/fastcgi;"):format(dir),
      ("  uwsgi_temp_path %s/temp/uwsgi;"):format(dir),
      ("  scgi_temp_path %s/temp/scgi;"):format(dir),
      "  client_body_buffer_size 1m;",
      "  keepalive_requests 100000000;",
      "  keepalive_timeout 300s;",
      "  server_tokens off;",
      ("  server {\n    listen 127.0.0.1:%d;"):format(port),
      "    location / {",
      "      default_type application/x-amz-json-1.1;",
      "      add_header x-amzn-RequestId bench-request-id;",
      ("      return 200 '%s';"):format(body),
      "    }",
      "  }",
      "}",
    }, "\n") .. "\n"
    local f = assert(io.open(dir .. "/nginx.conf", "w"))
    f:write(conf)
    f:close()
    local ok, _, err = run(("%s -p %s -e %s -c %s"):format(q(bin), q(dir), q(dir .. "/logs/error.log"),
      q(dir .. "/nginx.conf")))
    if ok then
      for _ = 1, 100 do
        local pid = tonumber(read_file(dir .. "/nginx.pid") or "")
        if pid then
          nginx.port, nginx.pid = port, pid
          return true
        end
        os.execute("sleep 0.05")
      end
      skipped.nginx = "nginx started but wrote no pid file"
      return false
    end
    if not err:find("in use") then
      skipped.nginx = "nginx failed to start: " .. last_lines(err, 2)
      return false
    end
  end
  skipped.nginx = "no free port found for nginx"
  return false
end

local function nginx_stop()
  if not nginx.pid then return end
  os.execute(("kill -QUIT %d 2>/dev/null"):format(nginx.pid))
  for _ = 1, 100 do
    local stat = read_file(("/proc/%d/stat"):format(nginx.pid))
    if not stat or stat:match("^%d+ %b() (%a)") == "Z" then break end -- gone, or exited (zombie)
    os.execute("sleep 0.05")
  end
  nginx.pid = nil
end

-- ---------------------------------------------------------------- peers

local function version_key(v)
  local parts = {}
  for n in tostring(v):gmatch("%d+") do parts[#parts + 1] = ("%06d"):format(tonumber(n)) end
  return table.concat(parts, ".")
end

--- The python3 whose botocore is newest.
local function pick_python()
  local home = os.getenv("HOME") or "/root"
  local candidates = { os.getenv("BENCH_PYTHON") or "", "python3", home .. "/.pyenv/shims/python3", "/usr/bin/python3" }
  local best, best_v, seen = nil, nil, {}
  for _, py in ipairs(candidates) do
    if py ~= "" and not seen[py] then
      seen[py] = true
      local ok, out = run(q(py) .. " -c 'import botocore; print(botocore.__version__)'")
      local v = trim(out)
      if ok and v ~= "" and (not best_v or version_key(v) > version_key(best_v)) then best, best_v = py, v end
    end
  end
  return best, best_v
end

-- ---------------------------------------------------------------- measurements

local started = clock.now()
local M = machine_info()
local names = { "minimal", "maximal" }
local growth = { "tags:1", "tags:10", "tags:25", "tags:50", "subnets:1", "subnets:4", "subnets:8", "subnets:16",
  "channels:1", "channels:2" }

-- Requests as signed for AWS (floor, peers' JSON).
local dumped = measure("dump", worker("dump " .. q(tmp)))

measure("build_request growth",
  worker(("overhead %d %d base %s"):format(CFG.runs, CFG.grow_calls, table.concat(growth, " "))))

-- The rows compared with each other take turns run by run (ours, floor, C
-- phases, botocore, JS SDK; each run a fresh process with its own warm-up),
-- so that the machine's drift over the minutes of a bench touches them all
-- alike and the ratios stay fair.
local python, boto_v = pick_python()
local json_ok = read_file(tmp .. "/requests.json") ~= nil
if not json_ok then
  skipped.botocore = "no requests.json (lua-cjson missing?)"
  skipped.js = skipped.botocore
elseif not python then
  skipped.botocore = "no python3 with botocore found"
end
if json_ok and os.getenv("BENCH_JS_WHY") then skipped.js = os.getenv("BENCH_JS_WHY") end
if python then info.python_bin = { python } end

for _ = 1, CFG.runs do
  measure("build_request minimal/maximal", worker(("overhead 1 %d minimal maximal"):format(CFG.calls)))
  measure("Lua table walk minimal/maximal", worker(("walk 1 %d minimal maximal"):format(CFG.calls)))
  if dumped then
    for _, name in ipairs(names) do
      local s = info["sign_" .. name]
      measure("floor " .. name, ("bench/build/floor %s %s %s %s %s %s %s 1 %d"):format(name,
        q(tmp .. "/" .. name .. ".body"), q(tmp .. "/" .. name .. ".canon"), q(s[1]), q(s[2]),
        q("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), q(s[3]), CFG.floor_calls))
      -- Where the time goes: the C core's phases alone (libsmk, no Lua).
      measure("phases " .. name, ("bench/build/phases %s %s 1 %d"):format(name, q(tmp .. "/" .. name .. ".body"),
        CFG.floor_calls))
    end
  end
  if not skipped.botocore then
    peer("botocore", ("%s bench/peer_botocore.py %s 1 %d"):format(q(python), q(tmp .. "/requests.json"),
      CFG.boto_calls))
    if not skipped.botocore and not results.botocore_call_maximal then
      skipped.botocore = "botocore printed no result"
    end
  end
  if not skipped.js then
    peer("js", ("NODE_NO_WARNINGS=1 node bench/peer_js.mjs %s 1 %d"):format(q(tmp .. "/requests.json"),
      CFG.js_calls))
  end
end

-- End to end over loopback keep-alive, then memory with the same server.
-- The client and nginx share CPU 0: a request/response ping-pong between
-- two vCPUs of a VM waits on cross-CPU wake-ups (measured here: ~11,000
-- calls/s apart against ~31,000 together, for both clients alike), which
-- would bury the clients' own cost under scheduling noise.
local PIN = run("command -v taskset") and "taskset -c 0 " or ""
info.e2e_pinned = { PIN ~= "" and "yes" or "no" }
if nginx_start() then
  local endpoint = "http://127.0.0.1:" .. nginx.port
  os.execute("mkdir -p " .. q(tmp .. "/e2e"))
  if measure("dump for nginx", worker(("dump %s %s"):format(q(tmp .. "/e2e"), q(endpoint)))) then
    -- Ours and the ceiling alternate run by run, so that both see the same
    -- machine; the ratio is the median of the per-pair ratios.
    for _, name in ipairs(names) do
      local e2e, curl, pct = {}, {}, {}
      for _ = 1, CFG.runs do
        results["e2e_" .. name], results["curl_" .. name] = nil, nil
        local a = measure("e2e " .. name, PIN .. worker(("e2e %d 1 %d %s"):format(nginx.port, CFG.e2e_calls, name)))
          and results["e2e_" .. name][1]
        local b = measure("libcurl " .. name, (PIN .. "bench/build/curl_post %s %s 1 %d"):format(name,
          q(tmp .. "/e2e/" .. name .. ".req"), CFG.e2e_calls)) and results["curl_" .. name][1]
        e2e[#e2e + 1], curl[#curl + 1] = a or nil, b or nil
        if a and b then pct[#pct + 1] = 100 * a / b end
      end
      results["e2e_" .. name], results["curl_" .. name], results["e2e_pct_" .. name] = e2e, curl, pct
    end
  end
end
measure("rss growth", worker(("rss_growth %d %s"):format(CFG.rss_calls, nginx.port or "")))
nginx_stop()

-- Start-up and resident memory, in fresh processes.
local req_ms, rss_bare, rss_full, rss_first, proc_bare, proc_req = {}, {}, {}, {}, {}, {}
for i = 1, CFG.procs do
  if measure("require time", worker("require_time")) then req_ms[i] = info.require_ms[1] end
  if measure("rss bare", worker("rss_bare")) then rss_bare[i] = info.rss[1] end
  if measure("rss full", worker("rss_full")) then rss_full[i] = info.rss[1] end
  if measure("rss first call", worker("rss_first_call")) then rss_first[i] = info.rss[1] end
  local t0 = clock.now()
  os.execute(q(LUA) .. " -e ''")
  local t1 = clock.now()
  os.execute(q(LUA) .. " -e 'require(\"sagemaker\")'")
  local t2 = clock.now()
  proc_bare[i], proc_req[i] = (t1 - t0) * 1e3, (t2 - t1) * 1e3
end
os.execute("rm -rf " .. q(tmp))

-- ---------------------------------------------------------------- the table

local rows = {}
local function section(title) rows[#rows + 1] = { section = title } end
local function row(r) rows[#rows + 1] = r end

local function fnum(v, unit)
  if v == nil then return "-" end
  if unit == "calls/s" then
    local s = ("%d"):format(math.floor(v + 0.5))
    return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
  end
  if unit == "KiB" then return ("%d"):format(math.floor(v + 0.5)) end
  local a = math.abs(v)
  if a >= 100 then return ("%.0f"):format(v) end
  if a >= 10 then return ("%.1f"):format(v) end
  return ("%.2f"):format(v)
end

local function verdict(ok)
  if SMOKE then return "(smoke)" end
  if ok == nil then return "-" end
  return ok and "yes" or "NO"
end

local function stat_row(label, key, unit, extra)
  local s = type(key) == "table" and stats(key) or stats(results[key])
  local r = { label = label, unit = unit }
  if s then
    r.median = fnum(s.med, unit) .. " " .. unit
    r.range = fnum(s.lo, unit) .. "–" .. fnum(s.hi, unit)
    r.med = s.med
  else
    r.median = "-"
    r.range = ""
  end
  for k, v in pairs(extra or {}) do r[k] = v end
  row(r)
  return r
end

local function skip_row(label, why) row{ label = label, median = "skipped", compare = why } end

local ours = {}
for _, name in ipairs(names) do ours[name] = stats(results["ours_" .. name]) end
local function bytes(name) return info["body_bytes_" .. name] and info["body_bytes_" .. name][1] or "?" end

section(("Per-call overhead, no network: Lua table -> validated, encoded, signed request (%d × %s calls)")
  :format(CFG.runs, fnum(CFG.calls, "calls/s")))
stat_row(("ours build_request, minimal (%s B body)"):format(bytes("minimal")), "ours_minimal", "µs")
local max_row = stat_row(("ours build_request, maximal (%s B body)"):format(bytes("maximal")), "ours_maximal", "µs")
max_row.target = "≤ " .. TARGET.maximal_us .. " µs"
max_row.met = verdict(max_row.med and max_row.med <= TARGET.maximal_us)

for _, name in ipairs(names) do
  local fs = info["floor_sizes_" .. name]
  local label = ("floor, %s: SHA-256 of body (%s B) + canonical request (%s B) + HMAC"):format(name,
    fs and fs[1] or "?", fs and fs[2] or "?")
  local check = info["floor_check_" .. name]
  local r = stat_row(label, "floor_" .. name, "µs")
  local f = stats(results["floor_" .. name])
  if f and ours[name] then
    local ratio = ours[name].med / f.med
    r.compare = ("ours = %.2f× floor"):format(ratio)
    if name == "maximal" then
      r.target = "≤ " .. TARGET.floor_ratio .. "× floor"
      r.met = verdict(ratio <= TARGET.floor_ratio)
    end
  end
  if check and check[1] ~= "ok" then r.compare = "floor signature MISMATCH: not the same work" end
end
local fparts = {}
for _, k in ipairs({ "sha_body", "sha_canon", "hmac" }) do
  local s = stats(results["floor_" .. k .. "_maximal"])
  fparts[#fparts + 1] = s and ("%s %s µs"):format(k:gsub("_", " "), fnum(s.med, "µs")) or nil
end
if #fparts > 0 then row{ label = "  floor parts, maximal: " .. table.concat(fparts, ", "), median = "" } end
-- The other floor a Lua binding cannot go below: reading the table through
-- the Lua C API at all (bench/c/luawalk.c). Crypto floor + walk is what a
-- binding doing no validation and no encoding would still cost.
for _, name in ipairs(names) do
  local n = info["walk_entries_" .. name]
  stat_row(("Lua API floor, %s: lua_next over the table's %s entries, reading keys and strings")
    :format(name, n and n[1] or "?"), "walk_" .. name, "µs")
end
for _, name in ipairs(names) do
  local f, w = stats(results["floor_" .. name]), stats(results["walk_" .. name])
  if f and w then
    local sum = f.med + w.med
    row{
      label = ("  crypto floor + Lua API floor, %s"):format(name),
      median = fnum(sum, "µs") .. " µs",
      compare = ours[name] and ("ours = %.2f× this%s"):format(ours[name].med / sum,
        (name == "maximal" and TARGET.maximal_us < sum) and
          (" (the ≤ %s µs target lies below this floor)"):format(TARGET.maximal_us) or "") or nil,
    }
  end
end

local function peer_rows(tag, title, prefix, target_x)
  if skipped[tag] then
    skip_row(title, skipped[tag])
    return
  end
  for _, name in ipairs(names) do
    local key = prefix .. name
    local r = stat_row(("%s, %s"):format(title, name), key, "µs")
    local s = stats(results[key])
    if s and ours[name] then
      local x = s.med / ours[name].med
      r.compare = ("ours %.0f× faster"):format(x)
      if name == "maximal" and target_x then
        r.target = ("≥ %d× faster"):format(target_x)
        r.met = verdict(x >= target_x)
      end
    end
  end
end
local bv = info.botocore_version and info.botocore_version[1] or boto_v or "?"
local pv = info.python_version and (" on Python " .. info.python_version[1]) or ""
peer_rows("botocore", ("botocore %s%s client call (before-send stub)"):format(bv, pv), "botocore_call_",
  TARGET.botocore_x)
if not skipped.botocore then
  peer_rows("botocore", ("botocore %s validate+serialize+sign only"):format(bv), "botocore_core_", nil)
end
local jv = info.js_version and info.js_version[1] or "?"
local nv = info.node_version and (" on node " .. info.node_version[1]) or ""
peer_rows("js", ("@aws-sdk/client-sagemaker %s%s send (capturing handler)"):format(jv, nv), "js_", TARGET.js_x)

section("Where build_request's time goes: the C core alone (libsmk, no Lua), same requests")
for _, name in ipairs(names) do
  local total = stats(results["phase_build_" .. name])
  local floor = stats(results["floor_" .. name])
  stat_row(("smk_validate, %s"):format(name), "phase_validate_" .. name, "µs")
  stat_row(("smk_json_encode, %s"):format(name), "phase_encode_" .. name, "µs")
  local sg = stat_row(("smk_sigv4_sign (warm key cache), %s"):format(name), "phase_sign_" .. name, "µs")
  if sg.med and floor then sg.compare = ("%.2f× its floor; +%.2f µs"):format(sg.med / floor.med, sg.med - floor.med) end
  local b = stat_row(("smk_client_build_request (all three), %s"):format(name), "phase_build_" .. name, "µs")
  if total and ours[name] then -- run minima: the least disturbed runs of each
    b.compare = ("Lua side (convert, result table) ≈ %.2f µs = %.0f%% of ours (from run minima)"):format(
      ours[name].lo - total.lo, 100 * (ours[name].lo - total.lo) / ours[name].lo)
  end
end
local ft = stat_row("OpenSSL fetch + MAC ctx setup alone (now once per key cache, not per sign)",
  "phase_fetch_maximal", "µs")
ft.compare = "saved per sign: the key cache keeps them"

section(("End to end over loopback keep-alive: nginx canned 200, %d × %s calls, %s"):format(CFG.runs,
  fnum(CFG.e2e_calls, "calls/s"), info.e2e_pinned[1] == "yes" and "client and nginx both on CPU 0"
    or "nginx on CPU 0, client unpinned (no taskset)"))
if skipped.nginx then
  skip_row("client:create_auto_ml_job / plain libcurl", skipped.nginx)
else
  for _, name in ipairs(names) do
    local r = stat_row(("ours create_auto_ml_job, %s (validate, sign, send, parse)"):format(name), "e2e_" .. name,
      "calls/s")
    local c = stat_row(("plain libcurl, same bytes, %s (ceiling)"):format(name), "curl_" .. name, "calls/s")
    local p = stats(results["e2e_pct_" .. name])
    if r.med and c.med and p then
      local pct = p.med
      r.compare = ("%.0f%% of libcurl (%.0f–%.0f)"):format(pct, p.lo, p.hi)
      r.target = ("≥ %d%%"):format(TARGET.e2e_pct)
      r.met = verdict(pct >= TARGET.e2e_pct)
      r.extra_us = 1e6 / r.med - 1e6 / c.med
      r.compare = r.compare .. (" (+%.1f µs/call)"):format(r.extra_us)
    end
  end
end

section(("Start-up and memory (fresh processes, %d each)"):format(CFG.procs))
local rq = stat_row("require(\"sagemaker\") in-process", req_ms, "ms")
rq.target = "≤ " .. TARGET.require_ms .. " ms"
rq.met = verdict(rq.med and rq.med <= TARGET.require_ms)
local pb = stats(proc_bare)
local pr = stat_row(LUA .. " -e 'require(\"sagemaker\")', whole process", proc_req, "ms")
if pb and pr.med then pr.compare = ("bare %s ms, +%s ms"):format(fnum(pb.med, "ms"), fnum(pr.med - pb.med, "ms")) end
stat_row("VmRSS, bare interpreter", rss_bare, "KiB")
local rf = stat_row("VmRSS after require + one client", rss_full, "KiB")
local sb, sf = stats(rss_bare), stats(rss_full)
if sb and sf then
  local d = sf.med - sb.med
  rf.compare = ("+%d KiB over bare"):format(math.floor(d + 0.5))
  rf.target = "≤ 2 MB over bare"
  rf.met = verdict(d <= TARGET.rss_kib)
end
-- No target: libcurl and OpenSSL are loaded at first use, so their memory
-- shows here (build_request, then one refused call), not above.
local r1 = stat_row("VmRSS after the first call (libcurl and OpenSSL loaded)", rss_first, "KiB")
local s1 = stats(rss_first)
if sb and s1 then r1.compare = ("+%d KiB over bare"):format(math.floor(s1.med - sb.med + 0.5)) end
for _, g in ipairs({ { "rss_build", "build_request" }, { "rss_call", "create_auto_ml_job" } }) do
  local v = info[g[1]]
  if v then
    local grow = v[2] - v[1]
    local per = grow * 1024 / v[3]
    row{
      label = ("VmRSS growth over %s %s calls, maximal"):format(fnum(v[3], "calls/s"), g[2]),
      median = ("%+d KiB"):format(math.floor(grow + 0.5)),
      range = ("%d -> %d"):format(v[1], v[2]),
      compare = ("%.2f B/call"):format(per),
      target = "0 within noise (< 1 B/call)",
      met = verdict(per < TARGET.growth_bytes_per_call),
    }
  elseif g[1] == "rss_call" then
    skip_row("VmRSS growth over create_auto_ml_job calls", skipped.nginx or "not measured")
  end
end

section(("Cost growth: build_request µs per call as the request grows (%d × %s calls)"):format(CFG.runs,
  fnum(CFG.grow_calls, "calls/s")))
local base = stats(results.ours_base) -- the minimal request, measured in turn with these rows
stat_row("minimal request (baseline, measured with these rows)", "ours_base", "µs")
local firsts = {}
for i, key in ipairs(growth) do
  local what, n = key:match("^(%a+):(%d+)$")
  local r = stat_row(("%s %s"):format(what, n), "ours_" .. key, "µs")
  if r.med and base then r.compare = ("%+.2f µs vs minimal"):format(r.med - base.med) end
  if not firsts[what] then firsts[what] = { n = tonumber(n), med = r.med } end
  local nxt = growth[i + 1]
  if (not nxt or not nxt:find("^" .. what .. ":")) and r.med and firsts[what].med and tonumber(n) > firsts[what].n then
    local slope = (r.med - firsts[what].med) / (tonumber(n) - firsts[what].n)
    r.compare = (r.compare or "") .. (", %.3f µs per %s"):format(slope, what:gsub("s$", ""))
  end
end

-- Print.
local header = { "benchmark", "median", "min–max", "compared", "target", "met" }
local cols = { "label", "median", "range", "compare", "target", "met" }
local function ulen(s) return utf8.len(s) or #s end
local width = {}
for i, h in ipairs(header) do width[i] = ulen(h) end
for _, r in ipairs(rows) do
  if not r.section then
    r.label = "  " .. tostring(r.label or "")
    for i, c in ipairs(cols) do width[i] = math.max(width[i], ulen(tostring(r[c] or ""))) end
  end
end
local function line(cells)
  local out = {}
  for i = 1, #header do
    local s = tostring(cells[i] or "")
    out[i] = s .. string.rep(" ", width[i] - ulen(s))
  end
  return (table.concat(out, "  "):gsub("%s+$", ""))
end

print(("lua-sagemaker benchmark%s — %s"):format(SMOKE and " (SMOKE: 1 short iteration, numbers meaningless)" or "",
  M.date))
local load_end = trim((read_file("/proc/loadavg") or ""):match("^(%S+)"))
print(("machine   %s, %s cores; %s; load average %s at start, %s at end"):format(M.cpu, M.cores, M.os, M.load,
  load_end))
print(("build     %s; %s; %s"):format(M.lua, M.compiler, M.libs))
print(("commit    %s"):format(M.commit))
print(("method    each row: %d runs in fresh processes, rows compared with each other taking turns; per-call rows"
  .. " give each run's median over 100-call batches (µs, wall clock, monotonic); median and min–max are over the"
  .. " runs"):format(CFG.runs))
print("noise     on a 2-vCPU VM single-thread speed drops up to ~1.6× while the other vCPU is busy: compare rows"
  .. " within one run; the run minima show the undisturbed speed")
print()
print(line(header))
print(line({ string.rep("-", width[1]), string.rep("-", width[2]), string.rep("-", width[3]), string.rep("-", width[4]),
  string.rep("-", width[5]), string.rep("-", width[6]) }))
for _, r in ipairs(rows) do
  if r.section then
    print(r.section)
  else
    local cells = {}
    for i, c in ipairs(cols) do cells[i] = r[c] end
    print(line(cells))
  end
end
print()
local met, missed = {}, {}
for _, r in ipairs(rows) do
  local what = ("%s: %s, target %s"):format(trim(r.label), r.compare or r.median, r.target)
  if r.met == "yes" then met[#met + 1] = what elseif r.met == "NO" then missed[#missed + 1] = what end
end
if not SMOKE then
  print(("targets: %d met, %d missed"):format(#met, #missed))
  for _, what in ipairs(met) do print("  met:    " .. what) end
  for _, what in ipairs(missed) do print("  missed: " .. what) end
end
for what, why in pairs(skipped) do print(("skipped %s: %s"):format(what, why)) end
for _, f in ipairs(failures) do print("FAILED " .. f) end
print(("bench took %.0f s"):format(clock.now() - started))
os.exit(#failures == 0 and 0 or 1)
