-- The request corpus (spec/corpus/create_auto_ml_job.lua): the client must
-- report exactly the listed paths, and the emulator's own server-side
-- validation (independent Python code over the same model) must agree on
-- accept/reject for every case that can be sent as JSON.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local corpus = require("corpus.create_auto_ml_job")
local fixtures = require("fixtures")

local function paths(err)
  local out = {}
  for i, e in ipairs(err.errors) do out[i] = e.path end
  return out
end

describe("CreateAutoMLJob corpus", function()
  it("has at least 15 valid and 80 invalid requests", function()
    assert.is_true(#corpus.valid >= 15)
    assert.is_true(#corpus.invalid >= 80)
  end)

  describe("client validation", function()
    for _, case in ipairs(corpus.valid) do
      it("accepts: " .. case.name, function()
        local ok, err = sagemaker.validate("create_auto_ml_job", corpus.build(case))
        assert.is_true(ok, err and tostring(err))
      end)
    end
    for _, case in ipairs(corpus.invalid) do
      it("rejects: " .. case.name, function()
        local ok, err = sagemaker.validate("create_auto_ml_job", corpus.build(case))
        assert.is_nil(ok)
        assert.are.equal("validation", err.kind)
        assert.are.same(case.paths, paths(err))
        for _, e in ipairs(err.errors) do
          assert.is_true(#e.message > 10, "message too short at " .. e.path)
          assert.is_true(#e.message < 400, "message too long at " .. e.path)
        end
      end)
    end
  end)

  describe("the emulator agrees", function()
    local emu, raw

    setup(function()
      emu = emulator.start { job_limit = 1000 }
      raw = sagemaker.client { region = "us-east-1", endpoint = emu.endpoint,
        credentials = fixtures.credentials, validate = false }
    end)

    teardown(function()
      if raw then raw:close() end
      if emu then emu:stop() end
    end)

    for i, case in ipairs(corpus.valid) do
      it("accepts: " .. case.name, function()
        local req = corpus.build(case)
        if req.AutoMLJobName == "corpus-job" then req.AutoMLJobName = "valid-" .. i end
        local ok, out = pcall(raw.create_auto_ml_job, raw, req)
        assert.is_true(ok, not ok and tostring(out) or nil)
      end)
    end
    for i, case in ipairs(corpus.invalid) do
      if case.wire ~= false and case.server ~= false then
        it("rejects: " .. case.name, function()
          local req = corpus.build(case)
          if req.AutoMLJobName == "corpus-job" then req.AutoMLJobName = "invalid-" .. i end
          local ok, err = pcall(raw.create_auto_ml_job, raw, req)
          assert.is_false(ok, "the emulator accepted it")
          assert.are.equal("service", err.kind, tostring(err))
          assert.are.equal(400, err.status)
          assert.is_true(err.code == "ValidationException" or err.code == "SerializationException", err.code)
        end)
      end
    end
  end)
end)
