-- The module loads, exposes its documented names and leaks no globals.
describe("require('sagemaker')", function()
  it("loads and exposes the public API", function()
    local before = {}
    for k in pairs(_G) do before[k] = true end
    local sagemaker = require("sagemaker")
    for k in pairs(_G) do
      assert.is_true(before[k] ~= nil, "global leaked: " .. tostring(k))
    end
    assert.is_string(sagemaker._VERSION)
    assert.is_function(sagemaker.client)
    assert.is_function(sagemaker.validate)
    assert.is_function(sagemaker.is_error)
  end)

  it("has one client method per operation of the model", function()
    local sagemaker = require("sagemaker")
    for _, name in ipairs { "create_auto_ml_job", "describe_auto_ml_job", "stop_auto_ml_job",
      "list_auto_ml_jobs", "list_candidates_for_auto_ml_job" } do
      assert.is_function(sagemaker.Client[name], name)
    end
  end)
end)
