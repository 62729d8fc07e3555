-- Reliability under faults: every fault the emulator can inject, the
-- client's answer (success after retries, or a clear typed error), exactly
-- one job on the emulator, and no secret in any string the library produced.
-- Delays are checked exactly through the injectable random source and sleep.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local SECRET = fixtures.credentials.secret_access_key
local TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-never-shown"

describe("faults", function()
  local emu
  local produced = {} -- every string the library handed us
  local sleeps, client

  local function new_client(extra)
    local opts = {
      region = "us-east-1", endpoint = emu.endpoint,
      credentials = { access_key_id = fixtures.credentials.access_key_id, secret_access_key = SECRET,
        session_token = TOKEN },
      random = function() return 0.5 end,
      sleep = function(s) sleeps[#sleeps + 1] = s end,
      logger = function(line) produced[#produced + 1] = line end,
    }
    for k, v in pairs(extra or {}) do opts[k] = v end
    return sagemaker.client(opts)
  end

  local function call(c, name)
    local ok, out = pcall(c.create_auto_ml_job, c, fixtures.job(name))
    if not ok then produced[#produced + 1] = tostring(out) end
    return ok, out
  end

  setup(function() emu = emulator.start { job_limit = 100 } end)
  teardown(function()
    if emu then emu:stop() end
    -- the security check over everything every test produced
    assert.is_true(#produced > 10)
    for _, s in ipairs(produced) do
      assert.is_nil(s:find(SECRET, 1, true), "secret leaked: " .. s)
      assert.is_nil(s:find(TOKEN, 1, true), "session token leaked: " .. s)
      assert.is_nil(s:find("Signature=", 1, true), "signature leaked: " .. s)
    end
  end)

  before_each(function()
    emu:reset()
    sleeps = {}
    client = new_client()
  end)
  after_each(function() client:close() end)

  it("retries throttling with full-jitter backoff and succeeds", function()
    emu:fault("throttle", { count = 2 })
    local ok, out = call(client, "throttled")
    assert.is_true(ok, tostring(out))
    assert.are.equal(2, out.ResponseMetadata.RetryAttempts)
    assert.are.same({ 0.5, 1.0 }, sleeps) -- 0.5 * min(2^(n-1), 20)
    assert.are.equal(1, #emu:jobs())
  end)

  it("gives up after max_attempts with the throttling error", function()
    emu:fault("throttle", { count = 5 })
    local ok, err = call(client, "always-throttled")
    assert.is_false(ok)
    assert.are.equal("ThrottlingException", err.code)
    assert.are.equal(3, err.attempts)
    assert.is_true(err.retryable)
    assert.are.equal(0, #emu:jobs())
  end)

  it("honours x-amz-retry-after in the 2026 retry mode", function()
    local c = new_client { retry_mode = "standard-2026" }
    emu:fault("throttle", { count = 1, retry_after = 2000 })
    local ok = call(c, "retry-after")
    c:close()
    assert.is_true(ok)
    assert.are.same({ 2.0 }, sleeps)
  end)

  it("retries 500 and 503 answers", function()
    emu:fault("internal", { count = 1 })
    emu:fault("unavailable", { count = 1 })
    local ok, out = call(client, "five-hundred")
    assert.is_true(ok, tostring(out))
    assert.are.equal(2, out.ResponseMetadata.RetryAttempts)
    assert.are.equal(1, #emu:jobs())
  end)

  it("retries a connection closed before the request was processed", function()
    emu:fault("close_before", { count = 1 })
    local ok, out = call(client, "closed-before")
    assert.is_true(ok, tostring(out))
    assert.are.equal(1, out.ResponseMetadata.RetryAttempts)
    assert.are.equal(1, #emu:jobs())
  end)

  it("never creates twice: a job created before the connection dropped is reconciled", function()
    emu:fault("close_after", { count = 1 })
    local ok, out = call(client, "created-then-dropped")
    assert.is_true(ok, tostring(out))
    assert.matches("automl%-job/created%-then%-dropped$", out.AutoMLJobArn)
    assert.is_true(out.ResponseMetadata.Reconciled)
    assert.are.equal(1, #emu:jobs())
  end)

  it("raises ResourceInUse when the existing job is somebody else's", function()
    local other = fixtures.job("taken")
    other.RoleArn = "arn:aws:iam::123456789012:role/SomeoneElse"
    client:create_auto_ml_job(other)
    emu:fault("close_before", { count = 1 })
    local ok, err = call(client, "taken")
    assert.is_false(ok)
    assert.are.equal("ResourceInUse", err.code)
    assert.are.equal(1, #emu:jobs())
  end)

  it("does not retry ResourceLimitExceeded", function()
    emu:set_job_limit(0)
    local ok, err = call(client, "over-limit")
    assert.is_false(ok)
    assert.are.equal("ResourceLimitExceeded", err.code)
    assert.are.equal(1, err.attempts)
    assert.are.same({}, sleeps)
  end)

  it("times out an attempt that takes longer than read_timeout", function()
    local c = new_client { read_timeout = 0.3, max_attempts = 1 }
    emu:fault("delay", { count = 1, delay_ms = 1500, operation = "CreateAutoMLJob" })
    local ok, err = call(c, "slow")
    c:close()
    assert.is_false(ok)
    assert.are.equal("timeout", err.kind)
  end)

  it("stops at the overall deadline across attempts", function()
    -- every answer comes after 0.6 s; attempts time out at 0.5 s; the
    -- second attempt only has the 0.3 s left of the 0.8 s deadline
    local c = new_client { read_timeout = 0.5, deadline = 0.8, max_attempts = 5,
      random = function() return 0 end }
    emu:fault("delay", { count = 5, delay_ms = 600 })
    local ok, err = call(c, "deadline")
    c:close()
    assert.is_false(ok)
    assert.are.equal("timeout", err.kind)
    assert.are.equal("DeadlineExceeded", err.code)
    assert.is_true(err.attempts >= 2, "retried within the deadline") -- 2 unless the machine stalls
    for _, s in ipairs(sleeps) do assert.are.equal(0, s) end
    os.execute("sleep 0.5") -- let the abandoned, delayed requests finish before the next reset
  end)

  it("survives truncated, non-JSON and mislabelled answers", function()
    for _, kind in ipairs { "truncated", "non_json", "wrong_content_type" } do
      emu:reset()
      emu:fault(kind, { count = 1 })
      local name = "bad-body-" .. kind:gsub("_", "-")
      local ok, out = call(client, name)
      assert.is_true(ok, kind .. ": " .. tostring(out))
      local mine = 0
      for _, job in ipairs(emu:jobs()) do
        if job.name == name then mine = mine + 1 end
      end
      assert.are.equal(1, mine, kind)
    end
  end)

  it("refuses a huge answer with a clear error", function()
    local c = new_client { max_attempts = 1 }
    emu:fault("huge", { count = 1 })
    local ok, err = call(c, "huge")
    c:close()
    assert.is_false(ok)
    assert.are.equal("network", err.kind)
    assert.are.equal("ResponseTooLarge", err.code)
  end)

  it("corrects a skewed clock from the server's Date and keeps the correction", function()
    emu:set_clock_skew(900)
    local ok, out = call(client, "skewed")
    assert.is_true(ok, tostring(out))
    assert.are.equal(1, out.ResponseMetadata.RetryAttempts)
    ok, out = call(client, "skewed-again")
    assert.is_true(ok, tostring(out))
    assert.are.equal(0, out.ResponseMetadata.RetryAttempts)
    assert.are.equal(2, #emu:jobs())
  end)

  it("logs one redacted line per attempt, and the delay chosen on retries", function()
    local lines = {}
    local c = new_client { logger = function(l) lines[#lines + 1] = l; produced[#produced + 1] = l end }
    emu:fault("throttle", { count = 1 })
    call(c, "logged")
    c:close()
    assert.are.equal(2, #lines)
    assert.matches("CreateAutoMLJob attempt=1 status=400 code=ThrottlingException", lines[1])
    assert.matches("retry_in=0%.500s", lines[1])
    assert.matches("CreateAutoMLJob attempt=2 status=200", lines[2])
    assert.matches("request_id=[%x-]+", lines[2])
    assert.matches("latency_ms=%d", lines[2])
  end)
end)

describe("values that would become headers", function()
  it("refuses CR, LF and NUL in credentials and endpoints", function()
    for _, bad in ipairs { "to\r\nken", "to\nken", "to\0ken" } do
      local ok, err = pcall(sagemaker.client, { region = "us-east-1",
        credentials = { access_key_id = "AKID", secret_access_key = "s", session_token = bad } })
      assert.is_false(ok)
      assert.is_true(sagemaker.is_error(err))
      assert.is_nil(tostring(err):find(bad, 1, true))
    end
    assert.has_error(function()
      sagemaker.client { region = "us-east-1", endpoint = "https://h\r\nX-Evil: 1", credentials = fixtures.credentials }
    end)
  end)
end)
