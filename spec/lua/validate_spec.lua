-- sagemaker.validate: local checks, every violation with its path, no network.
local sagemaker = require("sagemaker")
local fixtures = require("fixtures")

local function paths(err)
  local out = {}
  for i, e in ipairs(err.errors) do out[i] = e.path end
  return out
end

describe("sagemaker.validate", function()
  it("accepts a valid request", function()
    assert.is_true(sagemaker.validate("create_auto_ml_job", fixtures.job()))
  end)

  it("reports every violation at once, sorted by path", function()
    local job = fixtures.job()
    job.AutoMLJobName = string.rep("a", 40)
    job.InputDataConfig[2] = { TargetAttributeName = "" }
    job.OutputDataConfig = nil
    job.Tags = { { Key = "k" } }
    local ok, err = sagemaker.validate("create_auto_ml_job", job)
    assert.is_nil(ok)
    assert.are.equal("validation", err.kind)
    assert.are.same({ "AutoMLJobName", "InputDataConfig[2]", "InputDataConfig[2].TargetAttributeName",
      "OutputDataConfig", "Tags[1].Value" }, paths(err))
    assert.matches("32", err.errors[1].message)
    assert.matches("training", err.errors[2].message) -- ChannelType defaults to training: two of them
  end)

  it("suggests the right member for a misspelt one", function()
    local job = fixtures.job()
    job.AutoMlJobName, job.AutoMLJobName = job.AutoMLJobName, nil
    local _, err = sagemaker.validate("create_auto_ml_job", job)
    assert.are.same({ "AutoMLJobName", "AutoMlJobName" }, paths(err))
    assert.matches("did you mean \"?AutoMLJobName", err.errors[2].message)
  end)

  it("accepts integral floats for integers, as lua-cjson decodes them", function()
    local job = fixtures.job()
    job.AutoMLJobConfig = { CompletionCriteria = { MaxCandidates = 10.0 } }
    assert.is_true(sagemaker.validate("create_auto_ml_job", job))
    job.AutoMLJobConfig.CompletionCriteria.MaxCandidates = 10.5
    local _, err = sagemaker.validate("create_auto_ml_job", job)
    assert.are.same({ "AutoMLJobConfig.CompletionCriteria.MaxCandidates" }, paths(err))
  end)

  it("names Lua values that cannot be a request member", function()
    local job = fixtures.job()
    job.RoleArn = print
    job.Tags = { [1] = { Key = "a", Value = "b" }, [3] = { Key = "c", Value = "d" } }
    local _, err = sagemaker.validate("create_auto_ml_job", job)
    assert.are.same({ "RoleArn", "Tags" }, paths(err))
    assert.matches("function", err.errors[1].message)
    assert.matches("holes", err.errors[2].message)
  end)

  it("survives cyclic tables", function()
    local job = fixtures.job()
    local loop = {}
    loop.Self = loop
    job.AutoMLJobConfig = loop
    local ok, err = sagemaker.validate("create_auto_ml_job", job)
    assert.is_nil(ok)
    assert.are.equal("validation", err.kind)
  end)

  it("gives tostring a readable line", function()
    local job = fixtures.job()
    job.RoleArn = nil
    local _, err = sagemaker.validate("create_auto_ml_job", job)
    assert.matches("^sagemaker: validation error ValidationError: 1 problem%(s%): RoleArn: ", tostring(err))
  end)

  describe("Lua values at the edges", function()
    it("reads tables raw: __index is not consulted", function()
      local job = fixtures.job()
      job.OutputDataConfig = setmetatable({}, { __index = { S3OutputPath = "s3://bucket/output/" } })
      local _, err = sagemaker.validate("create_auto_ml_job", job)
      assert.are.same({ "OutputDataConfig.S3OutputPath" }, paths(err))
    end)

    it("reads raw fields of tables that have metatables", function()
      local job = fixtures.job()
      job.OutputDataConfig = setmetatable({ S3OutputPath = "s3://bucket/output/" },
        { __index = function() error("must not be called") end })
      assert.is_true(sagemaker.validate("create_auto_ml_job", job))
    end)

    it("rejects very deep nesting without overflowing the C stack", function()
      local job = fixtures.job()
      local deep = {}
      local t = deep
      for _ = 1, 100000 do t.Next = {} t = t.Next end
      job.AutoMLJobConfig = deep
      local ok, err = sagemaker.validate("create_auto_ml_job", job)
      assert.is_nil(ok)
      assert.are.equal("validation", err.kind)
    end)

    it("accepts an empty table for an empty list", function()
      local job = fixtures.job()
      job.Tags = {}
      assert.is_true(sagemaker.validate("create_auto_ml_job", job))
    end)

    it("rejects integers outside the member's 32-bit range", function()
      local job = fixtures.job()
      job.AutoMLJobConfig = { CompletionCriteria = { MaxAutoMLJobRuntimeInSeconds = 2 ^ 53 } }
      local _, err = sagemaker.validate("create_auto_ml_job", job)
      assert.are.same({ "AutoMLJobConfig.CompletionCriteria.MaxAutoMLJobRuntimeInSeconds" }, paths(err))
    end)

    it("shortens long values in messages", function()
      local job = fixtures.job()
      job.RoleArn = string.rep("x", 5000)
      local _, err = sagemaker.validate("create_auto_ml_job", job)
      assert.is_true(#err.errors[1].message < 300)
    end)
  end)
end)
