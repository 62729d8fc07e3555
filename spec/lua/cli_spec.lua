-- The sagemaker-automl command-line tool: each command and its exit codes,
-- run as a child process (lua5.4 bin/sagemaker-automl ...) against the emulator,
-- plus the pure helpers of sagemaker.cli in process.
local sagemaker = require("sagemaker")
local cli = require("sagemaker.cli")
local cjson = require("cjson")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local LUA = os.getenv("SAGEMAKER_SPEC_LUA") or "lua5.4"
local CPATH = os.getenv("SAGEMAKER_SPEC_CPATH") or "build/lua/?.so"

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function exit_code(a, how, n)
  if type(a) == "number" then   -- Lua 5.1 / LuaJIT: the raw wait status
    return a % 256 == 0 and math.floor(a / 256) or 128 + a % 256
  end
  if how == "signal" then return 128 + n end
  return n or (a and 0 or 1)
end

-- Run the CLI with a clean environment: only PATH, the emulator's credentials and
-- region (unless `env` replaces them), and the module paths of this tree.
local function run(args, env)
  local vars = {
    AWS_ACCESS_KEY_ID = fixtures.credentials.access_key_id,
    AWS_SECRET_ACCESS_KEY = fixtures.credentials.secret_access_key,
    AWS_REGION = "us-east-1",
    AWS_EC2_METADATA_DISABLED = "true", -- never reach for 169.254.169.254 from a test
  }
  for k, v in pairs(env or {}) do vars[k] = v or nil end   -- false removes a variable
  local assignments = {}
  for k, v in pairs(vars) do assignments[#assignments + 1] = k .. "=" .. quote(v) end
  local quoted = {}
  for i, a in ipairs(args) do quoted[i] = quote(a) end
  local out, err = os.tmpname(), os.tmpname()
  local cmd = ("env -i PATH=\"$PATH\" %s LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='" .. CPATH .. ";;' " ..
    "%s bin/sagemaker-automl %s >%s 2>%s </dev/null"):format(table.concat(assignments, " "), LUA,
    table.concat(quoted, " "), quote(out), quote(err))
  local code = exit_code(os.execute(cmd))
  local r = { code = code, stdout = slurp(out), stderr = slurp(err) }
  os.remove(out)
  os.remove(err)
  return r
end

local function write_tmp(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

local function lines(s)
  local t = {}
  for l in s:gmatch("[^\n]+") do t[#t + 1] = l end
  return t
end

describe("sagemaker-automl", function()
  local emu, client, job_file, bad_file
  local tmp_files = {}

  local function cmd(...)
    local args = { ... }
    args[#args + 1] = "--endpoint-url"
    args[#args + 1] = emu.endpoint
    return run(args)
  end

  setup(function()
    emu = emulator.start { job_duration = 0.6 }
    client = sagemaker.client(emu:client_options { max_attempts = 1 })
    job_file = write_tmp(cjson.encode(fixtures.job("cli-job")))
    local bad = fixtures.job("bad name!")
    bad.RoleArn = nil
    bad.InputDataConfig[1].DataSource.S3DataSource.S3Uri = "ftp://nope"
    bad.MaxCandidates = 3
    bad_file = write_tmp(cjson.encode(bad))
    tmp_files = { job_file, bad_file }
    -- Jobs the candidates tests rank: started now, finished by the time those run.
    client:create_auto_ml_job(fixtures.job("cli-cands"))
    local mse = fixtures.job("cli-mse")
    mse.ProblemType = "Regression"
    mse.AutoMLJobObjective = { MetricName = "MSE" }
    client:create_auto_ml_job(mse)
  end)

  teardown(function()
    for _, p in ipairs(tmp_files) do os.remove(p) end
    if client then client:close() end
    if emu then emu:stop() end
  end)

  describe("usage", function()
    it("prints help and the version with exit 0", function()
      local r = run { "--help" }
      assert.are.equal(0, r.code)
      assert.matches("usage: sagemaker%-automl", r.stdout)
      for _, c in ipairs({ "create", "validate", "describe", "wait", "list", "stop", "candidates" }) do
        assert.matches("\n  " .. c .. " ", r.stdout)
      end
      r = run { "--version" }
      assert.are.equal(0, r.code)
      assert.matches("^sagemaker%-automl %S+\n$", r.stdout)
    end)

    it("exits 2 with a message on stderr for usage errors", function()
      local cases = {
        { {}, "no command given" },
        { { "lst" }, "unknown command 'lst' %(did you mean 'list'%?%)" },
        { { "frobnicate" }, "unknown command 'frobnicate'\n" },
        { { "describe" }, "describe needs the job name" },
        { { "describe", "a", "b" }, "describe takes one job name" },
        { { "list", "extra" }, "list takes no arguments" },
        { { "list", "--stauts", "Completed" }, "unknown option %-%-stauts for list %(did you mean %-%-status%?%)" },
        { { "describe", "x", "--interval", "1" }, "unknown option %-%-interval for describe" },
        { { "create" }, "create needs %-%-cli%-input%-json" },
        { { "validate", "--cli-input-json" }, "option %-%-cli%-input%-json needs a value" },
        { { "validate", "--cli-input-json", "job.json" }, "expects file://PATH or a JSON object" },
        { { "validate", "--cli-input-json", "file:///nonexistent/job.json" }, "cannot read /nonexistent/job.json" },
        { { "validate", "--cli-input-json", "{not json" }, "not valid JSON" },
        { { "validate", "--cli-input-json", "{\"a\":" }, "not valid JSON" },
        { { "list", "--output", "yaml" }, "%-%-output must be json or text, got 'yaml'" },
        { { "wait", "x", "--interval", "soon" }, "%-%-interval expects a positive number, got 'soon'" },
        { { "list", "--max-items", "2.5" }, "%-%-max%-items expects a positive integer" },
        { { "-x" }, "unknown option '%-x'" },
      }
      for _, case in ipairs(cases) do
        local r = run(case[1])
        local label = table.concat(case[1], " ")
        assert.are.equal(2, r.code, label .. ": " .. r.stderr)
        assert.are.equal("", r.stdout, label)
        assert.matches(case[2], r.stderr, 1, label)
        assert.matches("Run 'sagemaker%-automl %-%-help' for usage", r.stderr, 1, label)
      end
    end)
  end)

  describe("validate", function()
    it("exits 0 for a valid job file, without network", function()
      local r = run { "validate", "--cli-input-json", "file://" .. job_file, "--endpoint-url", "http://127.0.0.1:9" }
      assert.are.equal(0, r.code, r.stderr)
      assert.are.equal("valid\n", r.stdout)
      r = run { "validate", "--cli-input-json", "file://examples/job.json" }
      assert.are.equal(0, r.code, r.stderr)
    end)

    it("exits 1 and prints every violation with its path", function()
      local r = run { "validate", "--cli-input-json", "file://" .. bad_file }
      assert.are.equal(1, r.code)
      assert.are.equal("", r.stdout)
      local l = lines(r.stderr)
      assert.matches("invalid job: 4 problem%(s%)", l[1])
      assert.are.equal(5, #l)
      assert.matches("^  AutoMLJobName: ", l[2])
      assert.matches("^  InputDataConfig%[1%]%.DataSource%.S3DataSource%.S3Uri: ", l[3])
      assert.matches("^  MaxCandidates: .*AutoMLJobConfig", l[4])   -- unknown member, with a hint
      assert.matches("^  RoleArn: ", l[5])
    end)

    it("prints machine-readable results with --output json", function()
      local r = run { "validate", "--cli-input-json", "file://" .. bad_file, "--output", "json" }
      assert.are.equal(1, r.code)
      local out = cjson.decode(r.stdout)
      assert.is_false(out.valid)
      assert.are.equal(4, #out.errors)
      assert.are.equal("RoleArn", out.errors[4].path)
      r = run { "validate", "--cli-input-json", cjson.encode(fixtures.job("inline")), "--output", "json" }
      assert.are.equal(0, r.code)
      assert.are.same({ valid = true }, cjson.decode(r.stdout))
    end)
  end)

  describe("create", function()
    local function job_names()
      local set = {}
      for _, j in ipairs(emu:jobs()) do set[j.name] = true end
      return set
    end

    it("creates the job from the AWS CLI's input format and prints its ARN", function()
      local r = cmd("create", "--cli-input-json", "file://" .. job_file)
      assert.are.equal(0, r.code, r.stderr)
      assert.are.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/cli-job\n", r.stdout)
      assert.is_true(job_names()["cli-job"])
    end)

    it("takes --auto-ml-job-name and --output json", function()
      local r = cmd("--output", "json", "create", "--cli-input-json", "file://" .. job_file,
        "--auto-ml-job-name", "renamed")
      assert.are.equal(0, r.code, r.stderr)
      local out = cjson.decode(r.stdout)
      assert.are.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/renamed", out.AutoMLJobArn)
      assert.is_nil(out.ResponseMetadata)
    end)

    it("exits 1 with the service's error code on stderr", function()
      local args = { "create", "--cli-input-json", "file://" .. job_file, "--auto-ml-job-name", "dup-job" }
      assert.are.equal(0, cmd((table.unpack or unpack)(args)).code)
      local r = cmd((table.unpack or unpack)(args))
      assert.are.equal(1, r.code)
      assert.are.equal("", r.stdout)
      assert.matches("^sagemaker%-automl: service error ResourceInUse", r.stderr)
    end)

    it("exits 1 and lists the violations of an invalid job, sending nothing", function()
      local before = #emu:jobs()
      local r = cmd("create", "--cli-input-json", "file://" .. bad_file)
      assert.are.equal(1, r.code)
      assert.matches("validation error: 4 problem%(s%)", r.stderr)
      assert.matches("\n  RoleArn: ", r.stderr)
      assert.are.equal(before, #emu:jobs())
    end)
  end)

  describe("describe, list, stop", function()
    it("describes a job as text and as JSON", function()
      client:create_auto_ml_job(fixtures.job("cli-desc"))
      local r = cmd("describe", "cli-desc")
      assert.are.equal(0, r.code, r.stderr)
      assert.matches("Name%s+cli%-desc\n", r.stdout)
      assert.matches("Status%s+InProgress %(%a+%)\n", r.stdout)
      assert.matches("Created%s+%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ\n", r.stdout)
      r = cmd("describe", "cli-desc", "--output", "json")
      assert.are.equal(0, r.code, r.stderr)
      local d = cjson.decode(r.stdout)
      assert.are.equal("cli-desc", d.AutoMLJobName)
      assert.is_number(d.CreationTime)
      assert.are.equal("s3://bucket/output/", d.OutputDataConfig.S3OutputPath)
      assert.matches('"s3://bucket/output/"', r.stdout, 1, true)
    end)

    it("exits 1 with ResourceNotFound for an unknown job", function()
      for _, c in ipairs({ "describe", "stop", "wait", "candidates" }) do
        local r = cmd(c, "ghost")
        assert.are.equal(1, r.code, c)
        assert.matches("ResourceNotFound", r.stderr, 1, c)
        assert.matches("ghost does not exist", r.stderr, 1, c)
      end
    end)

    it("lists jobs, filtered by --status, as a table and as JSON", function()
      for _, n in ipairs({ "lst-one", "lst-two", "fail-lst" }) do client:create_auto_ml_job(fixtures.job(n)) end
      client:wait_for_auto_ml_job("lst-two", { interval = 0.1, timeout = 20 })
      local r = cmd("list", "--name-contains", "lst")
      assert.are.equal(0, r.code, r.stderr)
      local l = lines(r.stdout)
      assert.matches("^NAME%s+STATUS%s+SECONDARY STATUS%s+CREATED%s+ENDED$", l[1])
      assert.are.equal(4, #l)
      r = cmd("list", "--name-contains", "lst", "--status", "Completed", "--output", "json")
      assert.are.equal(0, r.code, r.stderr)
      local out = cjson.decode(r.stdout)
      assert.are.equal(2, #out.AutoMLJobSummaries)
      assert.are.equal("lst-two", out.AutoMLJobSummaries[1].AutoMLJobName)   -- Name, Descending
      r = cmd("list", "--name-contains", "lst", "--status", "Failed", "--output", "json")
      assert.are.equal("fail-lst", cjson.decode(r.stdout).AutoMLJobSummaries[1].AutoMLJobName)
      r = cmd("list", "--name-contains", "lst", "--status", "Stopped", "--output", "json")
      assert.are.equal('{"AutoMLJobSummaries":[]}\n', r.stdout)
      r = cmd("list", "--name-contains", "lst", "--max-items", "1", "--sort-order", "Ascending", "--output", "json")
      assert.are.equal("fail-lst", cjson.decode(r.stdout).AutoMLJobSummaries[1].AutoMLJobName)
      assert.are.equal(1, #cjson.decode(r.stdout).AutoMLJobSummaries)
      r = cmd("list", "--status", "Done")
      assert.are.equal(1, r.code)
      assert.matches("StatusEquals", r.stderr)
    end)

    it("stops a job", function()
      client:create_auto_ml_job(fixtures.job("cli-stop"))
      local r = cmd("stop", "cli-stop")
      assert.are.equal(0, r.code, r.stderr)
      assert.are.equal("stop requested: cli-stop\n", r.stdout)
      local status = client:describe_auto_ml_job { AutoMLJobName = "cli-stop" }.AutoMLJobStatus
      assert.is_true(status == "Stopping" or status == "Stopped")
    end)
  end)

  describe("wait", function()
    it("shows progress on stderr and the best candidate on stdout; exit 0 on Completed", function()
      client:create_auto_ml_job(fixtures.job("cli-wait"))
      local r = cmd("wait", "cli-wait", "--interval", "0.1", "--timeout", "30")
      assert.are.equal(0, r.code, r.stderr)
      assert.matches("^cli%-wait Completed in %d:%d%d:%d%d; best candidate cli%-wait%-%S+ with F1 [%d.]+\n$", r.stdout)
      local l = lines(r.stderr)
      assert.is_true(#l >= 3, r.stderr)
      for _, line in ipairs(l) do
        assert.matches("^cli%-wait  %a+  %a+  elapsed %d:%d%d:%d%d  best ", line)
      end
      assert.matches("^cli%-wait  Completed  Completed  .* best F1 [%d.]+$", l[#l])
      local saw_training = false
      for _, line in ipairs(l) do saw_training = saw_training or line:match("  ModelTuning  ") ~= nil end
      assert.is_true(saw_training, r.stderr)
    end)

    it("prints the final description with --output json", function()
      client:create_auto_ml_job(fixtures.job("cli-wait-json"))
      local r = cmd("wait", "cli-wait-json", "--interval", "0.1", "--output", "json")
      assert.are.equal(0, r.code, r.stderr)
      local d = cjson.decode(r.stdout)
      assert.are.equal("Completed", d.AutoMLJobStatus)
      assert.is_string(d.BestCandidate.CandidateName)
    end)

    it("exits 1 with the FailureReason when the job fails", function()
      client:create_auto_ml_job(fixtures.job("fail-cli"))
      local r = cmd("wait", "fail-cli", "--interval", "0.1")
      assert.are.equal(1, r.code)
      assert.are.equal("", r.stdout)
      assert.matches("waiter error AutoMLJobFailed: AutoML job 'fail%-cli' failed: ClientError: .*target attribute",
        r.stderr)
    end)

    it("exits 1 when the job was stopped", function()
      client:create_auto_ml_job(fixtures.job("stopped-cli"))
      client:stop_auto_ml_job { AutoMLJobName = "stopped-cli" }
      local r = cmd("wait", "stopped-cli", "--interval", "0.1")
      assert.are.equal(1, r.code)
      assert.matches("AutoMLJobStopped", r.stderr)
    end)

    it("exits 1 with WaiterTimeout when --timeout passes", function()
      client:create_auto_ml_job(fixtures.job("slow-cli"))
      local r = cmd("wait", "slow-cli", "--interval", "5", "--timeout", "0.2")
      assert.are.equal(1, r.code)
      assert.matches("timeout error WaiterTimeout: AutoML job 'slow%-cli' did not finish within 0.2 s", r.stderr)
    end)

    it("draws one live line on a terminal", function()
      client:create_auto_ml_job(fixtures.job("cli-tty"))
      local out, err = {}, {}
      local code = cli.main({ "wait", "cli-tty", "--interval", "0.1", "--endpoint-url", emu.endpoint }, {
        client_options = emu:client_options(),
        stdout = { write = function(_, s) out[#out + 1] = s end },
        stderr = { write = function(_, s) err[#err + 1] = s end },
        isatty = function() return true end,
      })
      assert.are.equal(0, code, table.concat(err))
      local text = table.concat(err)
      assert.matches("^\r\27%[Kcli%-tty  InProgress", text)
      assert.is_nil(text:sub(1, -2):find("\n", 1, true), "live mode must not scroll")
      assert.are.equal("\n", text:sub(-1))
      assert.matches("\r\27%[Kcli%-tty  Completed  Completed  elapsed %S+  best F1 [%d.]+\n$", text)
      assert.matches("best candidate", table.concat(out))
    end)
  end)

  describe("candidates", function()
    it("ranks candidates by a maximized objective, best first", function()
      client:wait_for_auto_ml_job("cli-cands", { interval = 0.1, timeout = 20 })
      local r = cmd("candidates", "cli-cands", "--output", "json")
      assert.are.equal(0, r.code, r.stderr)
      local c = cjson.decode(r.stdout).Candidates
      assert.are.equal(10, #c)
      for i = 2, #c do
        assert.is_true(c[i - 1].FinalAutoMLJobObjectiveMetric.Value >= c[i].FinalAutoMLJobObjectiveMetric.Value)
      end
      local best = client:describe_auto_ml_job { AutoMLJobName = "cli-cands" }.BestCandidate
      assert.are.equal(best.CandidateName, c[1].CandidateName)

      r = cmd("candidates", "cli-cands", "--max-items", "3")
      assert.are.equal(0, r.code, r.stderr)
      local l = lines(r.stdout)
      assert.are.equal(4, #l)
      assert.matches("^RANK%s+CANDIDATE%s+STATUS%s+F1 %(higher is better%)$", l[1])
      assert.matches("^1%s+" .. best.CandidateName:gsub("%-", "%%-") .. "%s+Completed%s+[%d.]+$", l[2])
      assert.matches("^3%s", l[4])
    end)

    it("ranks a minimized objective (MSE) lowest first", function()
      client:wait_for_auto_ml_job("cli-mse", { interval = 0.1, timeout = 20 })
      local r = cmd("candidates", "cli-mse", "--output", "json")
      assert.are.equal(0, r.code, r.stderr)
      local c = cjson.decode(r.stdout).Candidates
      assert.are.equal(10, #c)
      for i = 2, #c do
        assert.is_true(c[i - 1].FinalAutoMLJobObjectiveMetric.Value <= c[i].FinalAutoMLJobObjectiveMetric.Value)
      end
      r = cmd("candidates", "cli-mse")
      assert.matches("MSE %(lower is better%)", r.stdout)
    end)
  end)

  describe("configuration", function()
    it("signs for --region (the emulator refuses a foreign scope)", function()
      local r = cmd("list", "--region", "eu-west-1")
      assert.are.equal(1, r.code)
      assert.matches("InvalidSignatureException", r.stderr)
      assert.matches("eu%-west%-1", r.stderr)
    end)

    it("exits 1 with a credentials or config error when they are missing", function()
      local r = run({ "list", "--endpoint-url", emu.endpoint }, { AWS_ACCESS_KEY_ID = false })
      assert.are.equal(1, r.code)
      assert.matches("^sagemaker%-automl: credentials error", r.stderr)
      r = run({ "list", "--endpoint-url", emu.endpoint }, { AWS_REGION = false })
      assert.are.equal(1, r.code)
      assert.matches("^sagemaker%-automl: config error MissingRegion", r.stderr)
      assert.is_nil(r.stderr:find(fixtures.credentials.secret_access_key, 1, true))
    end)
  end)
end)

describe("sagemaker.cli helpers", function()
  it("ranks candidates: with metrics first by direction, then the rest in order", function()
    local function cand(name, value, kind, metric)
      return { CandidateName = name, FinalAutoMLJobObjectiveMetric = value and
        { MetricName = metric or "F1", Value = value, Type = kind } or nil }
    end
    local list = { cand("a", 0.5, "Maximize"), cand("running"), cand("b", 0.9, "Maximize"),
      cand("c", 0.5, "Maximize"), cand("pending") }
    local ranked, direction, metric = cli.rank_candidates(list)
    local names = {}
    for i, c in ipairs(ranked) do names[i] = c.CandidateName end
    assert.are.same({ "b", "a", "c", "running", "pending" }, names)
    assert.are.equal("Maximize", direction)
    assert.are.equal("F1", metric)
    assert.are.equal("a", list[1].CandidateName)   -- input untouched

    ranked, direction = cli.rank_candidates({ cand("x", 2, nil, "RMSE"), cand("y", 1, nil, "RMSE") })
    assert.are.equal("Minimize", direction)
    assert.are.equal("y", ranked[1].CandidateName)
    local _, d = cli.rank_candidates({})
    assert.are.equal("Maximize", d)
  end)

  it("formats times and durations", function()
    assert.are.equal("2023-11-14T22:13:20Z", cli.format_time(1700000000.75))
    assert.are.equal("-", cli.format_time(nil))
    assert.are.equal("0:00:00", cli.format_duration(-3))
    assert.are.equal("1:01:05", cli.format_duration(3665.9))
  end)

  it("parses global options anywhere, in both --opt value and --opt=value forms", function()
    local r = cli.parse { "--region=eu-west-1", "wait", "job", "--interval", "5", "--output=json" }
    assert.are.equal("wait", r.command)
    assert.are.same({ "job" }, r.args)
    assert.are.same({ region = "eu-west-1", interval = "5", output = "json" }, r.opts)
    r = cli.parse { "describe", "--", "--odd-name" }
    assert.are.same({ "--odd-name" }, r.args)
  end)
end)
