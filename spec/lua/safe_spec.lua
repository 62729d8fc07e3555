-- require("sagemaker.safe"): the same API returning nil, err instead of
-- raising error objects; programming errors still raise.
local sagemaker = require("sagemaker")
local safe = require("sagemaker.safe")
local errors = require("sagemaker.error")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local function raised(f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return err
end

describe("sagemaker.safe", function()
  local emu, client

  setup(function()
    emu = emulator.start { job_limit = 50, job_duration = 0.3 }
    client = assert(safe.client { region = "us-east-1", endpoint = emu.endpoint,
      credentials = fixtures.credentials, max_attempts = 1 })
  end)

  teardown(function()
    if client then client:close() end
    if emu then emu:stop() end
  end)

  before_each(function() emu:admin("reset") end)

  it("mirrors the module: is_error, _VERSION, Client, validate", function()
    assert.equal(sagemaker._VERSION, safe._VERSION)
    assert.equal(sagemaker.Client, safe.Client)
    assert.is_true(safe.is_error(errors.new { kind = "config" }))
    assert.is_false(safe.is_error({}))
    assert.is_true(safe.validate("create_auto_ml_job", fixtures.job("v")))
    local ok, err = safe.validate("create_auto_ml_job", { AutoMLJobName = "v" })
    assert.is_nil(ok)
    assert.equal("validation", err.kind)
  end)

  it("returns results as sagemaker does", function()
    local out, err = client:create_auto_ml_job(fixtures.job("safe-1"))
    assert.is_nil(err)
    assert.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/safe-1", out.AutoMLJobArn)
    assert.equal(200, out.ResponseMetadata.HTTPStatusCode)
    local d = assert(client:describe_auto_ml_job { AutoMLJobName = "safe-1" })
    assert.equal("safe-1", d.AutoMLJobName)
    assert.matches("^http://127%.0%.0%.1:%d+$", client:endpoint())
    assert.equal("us-east-1", client:region())
    assert.is_table(client:build_request("stop_auto_ml_job", { AutoMLJobName = "safe-1" }))
  end)

  it("returns nil and the error object for service, validation and network errors", function()
    assert(client:create_auto_ml_job(fixtures.job("safe-2")))
    local out, err = client:create_auto_ml_job(fixtures.job("safe-2"))
    assert.is_nil(out)
    assert.is_true(sagemaker.is_error(err))
    assert.same({ "service", "ResourceInUse", 400 }, { err.kind, err.code, err.status })

    out, err = client:describe_auto_ml_job { AutoMLJobName = "missing" }
    assert.is_nil(out)
    assert.equal("ResourceNotFound", err.code)

    out, err = client:create_auto_ml_job { AutoMLJobName = "safe-3" }
    assert.is_nil(out)
    assert.equal("validation", err.kind)
    assert.equal(3, #err.errors)

    out, err = client:build_request("create_auto_ml_job", { AutoMLJobName = "safe-3" })
    assert.is_nil(out)
    assert.equal("validation", err.kind)

    emu:fault("internal")
    out, err = client:describe_auto_ml_job { AutoMLJobName = "x" }
    assert.is_nil(out)
    assert.same({ "service", "InternalFailure", true }, { err.kind, err.code, err.retryable })

    local down = assert(safe.client { region = "us-east-1", endpoint = "http://127.0.0.1:1",
      credentials = fixtures.credentials, max_attempts = 1 })
    out, err = down:describe_auto_ml_job { AutoMLJobName = "x" }
    assert.is_nil(out)
    assert.equal("network", err.kind)
    down:close()
  end)

  it("returns nil, err for configuration and credentials errors of client()", function()
    local c, err = safe.client { region = "us-east-1", endpoint = "ftp://example.com",
      credentials = fixtures.credentials }
    assert.is_nil(c)
    assert.equal("config", err.kind)
    c, err = safe.client { regoin = "us-east-1" }
    assert.is_nil(c)
    assert.truthy(err.message:find("did you mean 'region'", 1, true))
    c, err = safe.client { region = "us-east-1", credentials = { access_key_id = "A" } }
    assert.is_nil(c)
    assert.equal("credentials", err.kind)
  end)

  it("still raises programming errors: wrong argument types, unknown operations, closed clients", function()
    assert.truthy(tostring(raised(client.create_auto_ml_job, client, "churn")):find("must be a table"))
    assert.truthy(tostring(raised(safe.validate, "create_job", {})):find("unknown operation"))
    assert.truthy(tostring(raised(safe.client, "us-east-1")):find("table of options"))
    assert.truthy(tostring(raised(client.describe_auto_ml_job, {}, {})):find("sagemaker.safe client expected"))
    local c = assert(safe.client { region = "us-east-1", endpoint = emu.endpoint,
      credentials = fixtures.credentials })
    c:close()
    assert.truthy(tostring(raised(c.describe_auto_ml_job, c, { AutoMLJobName = "x" })):find("closed"))
  end)

  it("ends iterators with false, err when a page fails", function()
    for i = 1, 3 do assert(client:create_auto_ml_job(fixtures.job("page-" .. i))) end
    local names = {}
    for job, err in client:each_auto_ml_job { MaxResults = 1 } do
      assert.is_nil(err)
      names[#names + 1] = job.AutoMLJobName
    end
    assert.same({ "page-3", "page-2", "page-1" }, names)

    emu:fault("internal", { count = 1, operation = "ListAutoMLJobs" })
    local seen = {}
    for job, err in client:each_auto_ml_job { MaxResults = 1 } do
      seen[#seen + 1] = job == false and err.code or job.AutoMLJobName
    end
    assert.same({ "InternalFailure" }, seen)
  end)

  it("returns nil, err from the waiter", function()
    assert(client:create_auto_ml_job(fixtures.job("fail-safe")))
    local d, err = client:wait_for_auto_ml_job("fail-safe", { interval = 0.05, timeout = 20 })
    assert.is_nil(d)
    assert.same({ "waiter", "AutoMLJobFailed" }, { err.kind, err.code })
  end)

  it("covers methods added to sagemaker.Client later", function()
    sagemaker.Client.custom_call = function(self, fail)
      if fail then error(errors.new { kind = "service", code = "Custom", message = "custom failure" }) end
      return self:region(), "second"
    end
    local a, b = client:custom_call(false)
    local out, err = client:custom_call(true)
    sagemaker.Client.custom_call = nil
    assert.same({ "us-east-1", "second" }, { a, b })
    assert.is_nil(out)
    assert.equal("Custom", err.code)
    assert.is_nil(client.custom_call)
  end)

  it("wraps an existing client; both share one connection", function()
    local raw = sagemaker.client { region = "us-east-1", endpoint = emu.endpoint, credentials = fixtures.credentials }
    local s = safe.wrap(raw)
    assert.is_true(safe.is_safe_client(s))
    assert.is_false(safe.is_safe_client(raw))
    assert.truthy(tostring(s):find("^sagemaker%.safe sagemaker%.client"))
    assert(s:create_auto_ml_job(fixtures.job("wrapped")))
    s:close()
    assert.equal("sagemaker.client (closed)", tostring(raw))
    assert.truthy(tostring(raised(safe.wrap, {})):find("expects a sagemaker client"))
  end)
end)
