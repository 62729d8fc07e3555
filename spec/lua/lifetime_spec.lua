-- The request tree borrows the Lua strings of the params table instead of
-- copying them (src/binding/lsmk_convert.c). That is safe only while no Lua
-- code runs and the tree is still read; client:call copies the strings when
-- the client has Lua hooks, which run between attempts, before a reconcile
-- reads the request again. This spec empties the params table and collects
-- garbage from inside such a hook: with borrowed strings the reconcile would
-- read freed memory (caught by `make test-sanitize` and `make valgrind`) or
-- compare garbage; with copies it reconciles as usual.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

describe("request strings and Lua hooks", function()
  local emu

  setup(function() emu = emulator.start { job_limit = 100 } end)
  teardown(function() if emu then emu:stop() end end)

  it("outlive a hook that empties the params table and collects garbage before a reconcile", function()
    local params, hook_calls = nil, 0
    local client = sagemaker.client {
      region = "us-east-1", endpoint = emu.endpoint, credentials = fixtures.credentials,
      random = function() return 0.5 end,
      sleep = function()
        hook_calls = hook_calls + 1
        local function empty(t)
          for k, v in pairs(t) do
            if type(v) == "table" then empty(v) end
            t[k] = nil
          end
        end
        empty(params)
        collectgarbage("collect")
        collectgarbage("collect")
      end,
    }
    -- Unique strings that only the params table holds (the long ones are
    -- never interned), so that emptying it makes them garbage.
    local suffix = ("%d%d"):format(os.time() % 100000, math.random(100000, 999999))
    params = fixtures.job("lifetime-" .. suffix)
    params.RoleArn = "arn:aws:iam::123456789012:role/" .. ("LifetimeRole" .. suffix):rep(3)
    params.OutputDataConfig.S3OutputPath = "s3://bucket/output/" .. ("o"):rep(60) .. suffix .. "/"
    params.InputDataConfig[1].DataSource.S3DataSource.S3Uri =
      "s3://bucket/train/" .. ("t"):rep(60) .. suffix .. "/"
    emu:fault("close_after", { count = 1 })
    local out = client:create_auto_ml_job(params)
    assert.is_true(hook_calls >= 1)
    assert.is_nil(next(params))
    assert.is_true(out.ResponseMetadata.Reconciled)
    assert.matches("automl%-job/lifetime%-" .. suffix .. "$", out.AutoMLJobArn)
    client:close()
  end)
end)
