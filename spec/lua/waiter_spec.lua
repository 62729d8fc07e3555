-- client:wait_for_auto_ml_job: its three outcomes (Completed, Failed, Stopped),
-- its deadline, the progress callbacks, and the pluggable sleep and clock.
local sagemaker = require("sagemaker")
local waiter = require("sagemaker.waiter")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

-- The secondary statuses in the order AWS reports them.
local AWS_ORDER = { "Starting", "AnalyzingData", "FeatureEngineering", "ModelTuning", "TrainingModels",
  "GeneratingExplainabilityReport", "GeneratingModelInsightsReport", "DeployingModel", "Completed",
  "MaxCandidatesReached" }

local function rank_of(secondary)
  for i, s in ipairs(AWS_ORDER) do
    if s == secondary then return i end
  end
  error("unexpected secondary status " .. tostring(secondary))
end

local function catch(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error")
  return err
end

describe("client:wait_for_auto_ml_job", function()
  local emu, client

  setup(function()
    emu = emulator.start { job_duration = 0.6 }
    client = sagemaker.client(emu:client_options { max_attempts = 1 })
  end)

  teardown(function()
    if client then client:close() end
    if emu then emu:stop() end
  end)

  it("returns the final description on Completed, calling on_progress at each change, in order", function()
    client:create_auto_ml_job(fixtures.job("wait-ok"))
    local seen, polls = {}, 0
    local desc = client:wait_for_auto_ml_job("wait-ok", {
      interval = 0.1, timeout = 20,
      on_progress = function(d)
        seen[#seen + 1] = { d.AutoMLJobStatus, d.AutoMLJobSecondaryStatus }
      end,
      on_poll = function(d, elapsed)
        polls = polls + 1
        assert.is_string(d.AutoMLJobStatus)
        assert.is_number(elapsed)
      end,
    })
    assert.are.equal("Completed", desc.AutoMLJobStatus)
    assert.are.equal("wait-ok", desc.AutoMLJobName)
    assert.is_number(desc.EndTime)
    assert.is_string(desc.BestCandidate.CandidateName)
    assert.are.equal("F1", desc.BestCandidate.FinalAutoMLJobObjectiveMetric.MetricName)
    assert.is_number(desc.BestCandidate.FinalAutoMLJobObjectiveMetric.Value)

    assert.is_true(#seen >= 3, "expected several progress calls, got " .. #seen)
    assert.is_true(polls >= #seen)
    assert.are.same({ "Completed", "Completed" }, seen[#seen])
    for i = 1, #seen - 1 do
      assert.are.equal("InProgress", seen[i][1])
      local a, b = seen[i], seen[i + 1]
      assert.is_true(a[1] ~= b[1] or a[2] ~= b[2], "on_progress called twice for the same state")
      assert.is_true(rank_of(a[2]) < rank_of(b[2]),
        ("secondary statuses out of order: %s then %s"):format(a[2], b[2]))
    end
  end)

  it("raises kind 'waiter', code AutoMLJobFailed with the FailureReason when the job fails", function()
    client:create_auto_ml_job(fixtures.job("fail-wait"))
    local last
    local err = catch(client.wait_for_auto_ml_job, client, "fail-wait", {
      interval = 0.1, timeout = 20, on_progress = function(d) last = d.AutoMLJobStatus end })
    assert.is_true(sagemaker.is_error(err))
    assert.are.equal("waiter", err.kind)
    assert.are.equal("AutoMLJobFailed", err.code)
    assert.are.equal("Failed", err.job_status)
    assert.are.equal("fail-wait", err.job_name)
    assert.matches("target attribute 'y' was not found", err.failure_reason)
    assert.are.equal(err.failure_reason, err.description.FailureReason)
    assert.are.equal("Failed", err.description.AutoMLJobStatus)
    assert.are.equal("Failed", last)
    assert.is_false(err.retryable)
    local line = tostring(err)
    assert.matches("AutoMLJobFailed", line)
    assert.matches("fail%-wait", line)
    assert.matches("target attribute", line)
  end)

  it("raises AutoMLJobStopped when the job is stopped while it is being waited for", function()
    client:create_auto_ml_job(fixtures.job("stop-wait"))
    local statuses = {}
    local err = catch(client.wait_for_auto_ml_job, client, "stop-wait", {
      interval = 0.05, timeout = 20,
      on_progress = function(d)
        statuses[#statuses + 1] = d.AutoMLJobStatus
        if d.AutoMLJobStatus == "InProgress" and #statuses == 1 then
          client:stop_auto_ml_job { AutoMLJobName = "stop-wait" }
        end
      end,
    })
    assert.are.equal("waiter", err.kind)
    assert.are.equal("AutoMLJobStopped", err.code)
    assert.are.equal("Stopped", err.job_status)
    assert.are.equal("Stopped", err.description.AutoMLJobStatus)
    assert.matches("was stopped", err.message)
    assert.are.equal("Stopped", statuses[#statuses])
    local saw_stopping = false
    for _, s in ipairs(statuses) do saw_stopping = saw_stopping or s == "Stopping" end
    assert.is_true(saw_stopping, "expected to see Stopping before Stopped")
  end)

  it("raises a timeout error when the deadline passes (real clock)", function()
    client:create_auto_ml_job(fixtures.job("slow-wait"))
    local t0 = waiter.clock()
    -- interval far above the timeout: the sleep must be cut short at the deadline
    local err = catch(client.wait_for_auto_ml_job, client, "slow-wait", { interval = 5, timeout = 0.3 })
    local took = waiter.clock() - t0
    assert.are.equal("timeout", err.kind)
    assert.are.equal("WaiterTimeout", err.code)
    assert.are.equal("InProgress", err.description.AutoMLJobStatus)
    assert.is_true(err.elapsed >= 0.3 - 1e-9) -- now - start rounds just below 0.3 when now == start + 0.3
    assert.is_true(took < 3, "the waiter slept past its deadline: " .. took)
    assert.matches("did not finish within 0.3 s", err.message)
  end)

  it("sleeps `interval` between polls and clips the last sleep to the deadline (fake clock)", function()
    client:create_auto_ml_job(fixtures.job("fake-clock"))
    local now, sleeps, polls = 100, {}, 0
    local err = catch(client.wait_for_auto_ml_job, client, "fake-clock", {
      interval = 10, timeout = 35,
      clock = function() return now end,
      sleep = function(s) sleeps[#sleeps + 1] = s; now = now + s end,
      on_poll = function() polls = polls + 1 end,
    })
    assert.are.equal("WaiterTimeout", err.code)
    assert.are.same({ 10, 10, 10, 5 }, sleeps)
    assert.are.equal(5, polls)   -- at 0, 10, 20, 30 and at the deadline
    assert.are.equal(35, err.elapsed)
  end)

  it("with timeout 0 polls exactly once", function()
    client:create_auto_ml_job(fixtures.job("once"))
    local polls = 0
    local err = catch(client.wait_for_auto_ml_job, client, "once",
      { timeout = 0, on_poll = function() polls = polls + 1 end, sleep = function() error("slept") end })
    assert.are.equal("WaiterTimeout", err.code)
    assert.are.equal(1, polls)
  end)

  it("uses the module-level sleep hook when no sleep option is given", function()
    client:create_auto_ml_job(fixtures.job("hooked"))
    local saved_sleep, saved_clock = waiter.sleep, waiter.clock
    local now, calls = 0, 0
    waiter.sleep = function(s) calls = calls + 1; now = now + s end
    waiter.clock = function() return now end
    local ok, err = pcall(client.wait_for_auto_ml_job, client, "hooked", { interval = 1, timeout = 3 })
    waiter.sleep, waiter.clock = saved_sleep, saved_clock
    assert.is_false(ok)
    assert.are.equal("WaiterTimeout", err.code)
    assert.are.equal(3, calls)
  end)

  it("raises the describe call's own errors (ResourceNotFound)", function()
    local err = catch(client.wait_for_auto_ml_job, client, "never-created", { interval = 0.1 })
    assert.are.equal("service", err.kind)
    assert.are.equal("ResourceNotFound", err.code)
  end)

  it("checks its arguments", function()
    assert.has_error(function() client:wait_for_auto_ml_job(nil) end,
      "wait_for_auto_ml_job expects the job name (a string), got nil")
    assert.has_error(function() client:wait_for_auto_ml_job("x", { intervall = 1 }) end,
      "unknown wait_for_auto_ml_job option 'intervall' (did you mean 'interval'?)")
    assert.has_error(function() client:wait_for_auto_ml_job("x", { interval = 0 }) end,
      "wait_for_auto_ml_job option 'interval' must be > 0")
    assert.has_error(function() client:wait_for_auto_ml_job("x", { timeout = "1h" }) end,
      "wait_for_auto_ml_job option 'timeout' must be a number, got string")
    assert.has_error(function() client:wait_for_auto_ml_job("x", { on_progress = true }) end,
      "wait_for_auto_ml_job option 'on_progress' must be a function, got boolean")
  end)
end)

describe("sagemaker.waiter defaults", function()
  it("sleeps with the sleep command and measures it on its clock", function()
    local t0 = waiter.clock()
    waiter.sleep(0.2)
    local dt = waiter.clock() - t0
    assert.is_true(dt >= 0.15 and dt < 2, "slept " .. dt)
    waiter.sleep(0)    -- returns at once
    waiter.sleep(-1)
  end)

  it("uses ngx.sleep and ngx.now when running inside OpenResty", function()
    local slept, updated
    rawset(_G, "ngx", {
      sleep = function(s) slept = s end,
      now = function() return 1234.5 end,
      update_time = function() updated = true end,
    })
    local ok, err = pcall(function()
      waiter.sleep(2.5)
      assert.are.equal(1234.5, waiter.clock())
    end)
    rawset(_G, "ngx", nil)
    assert(ok, err)
    assert.are.equal(2.5, slept)
    assert.is_true(updated)
  end)
end)
