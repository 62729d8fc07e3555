-- create_auto_ml_job end to end: libcurl over real sockets to the emulator,
-- which checks our SigV4 signature with botocore's signer.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

describe("client:create_auto_ml_job against the emulator", function()
  local emu, client

  setup(function()
    emu = emulator.start { job_limit = 3 }
    client = sagemaker.client {
      region = "us-east-1", endpoint = emu.endpoint, credentials = fixtures.credentials,
    }
  end)

  teardown(function()
    if client then client:close() end
    if emu then emu:stop() end
  end)

  before_each(function() emu:admin("reset") end)

  it("creates a job and returns its ARN and response metadata", function()
    local out = client:create_auto_ml_job(fixtures.job("churn-1"))
    assert.are.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/churn-1", out.AutoMLJobArn)
    assert.are.equal(200, out.ResponseMetadata.HTTPStatusCode)
    assert.are.equal(0, out.ResponseMetadata.RetryAttempts)
    assert.matches("^[%x-]+$", out.ResponseMetadata.RequestId)
    assert.are.equal(1, #emu:jobs())
  end)

  it("sends every member of a full request and the emulator accepts it", function()
    local job = fixtures.job("full-job")
    job.InputDataConfig[1].ContentType = "text/csv;header=present"
    job.InputDataConfig[1].ChannelType = "training"
    job.InputDataConfig[1].CompressionType = "Gzip"
    job.InputDataConfig[1].SampleWeightAttributeName = "weight"
    job.InputDataConfig[2] = fixtures.copy(job.InputDataConfig[1])
    job.InputDataConfig[2].ChannelType = "validation"
    job.InputDataConfig[2].SampleWeightAttributeName = nil
    job.OutputDataConfig.KmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/abcd-1234"
    job.ProblemType = "Regression"
    job.AutoMLJobObjective = { MetricName = "MSE" }
    job.AutoMLJobConfig = {
      CompletionCriteria = { MaxCandidates = 10.0, MaxRuntimePerTrainingJobInSeconds = 600,
        MaxAutoMLJobRuntimeInSeconds = 7200 },
      SecurityConfig = { VolumeKmsKeyId = "key-1", EnableInterContainerTrafficEncryption = true,
        VpcConfig = { SecurityGroupIds = { "sg-0123" }, Subnets = { "subnet-1", "subnet-2" } } },
      CandidateGenerationConfig = { FeatureSpecificationS3Uri = "s3://bucket/features.json",
        AlgorithmsConfig = { { AutoMLAlgorithms = { "xgboost", "catboost" } } } },
      Mode = "ENSEMBLING",
    }
    job.GenerateCandidateDefinitionsOnly = false
    job.Tags = { { Key = "team", Value = "ml" }, { Key = "ünïcode key", Value = "" } }
    job.ModelDeployConfig = { AutoGenerateEndpointName = false, EndpointName = "churn-endpoint" }
    local out = client:create_auto_ml_job(job)
    assert.matches("automl%-job/full%-job$", out.AutoMLJobArn)
    local stored = emu:jobs()[1].request
    assert.are.equal(10, stored.AutoMLJobConfig.CompletionCriteria.MaxCandidates)
    assert.are.equal("ünïcode key", stored.Tags[2].Key)
  end)

  it("raises ResourceInUse with err.code for a duplicate name (case-insensitive)", function()
    client:create_auto_ml_job(fixtures.job("dup-job"))
    local ok, err = pcall(client.create_auto_ml_job, client, fixtures.job("DUP-job"))
    assert.is_false(ok)
    assert.is_true(sagemaker.is_error(err))
    assert.are.equal("service", err.kind)
    assert.are.equal("ResourceInUse", err.code)
    assert.are.equal(400, err.status)
    assert.is_false(err.retryable)
    assert.are.equal(1, err.attempts)
    assert.is_string(err.request_id)
    assert.matches("ResourceInUse", tostring(err))
  end)

  it("raises ResourceLimitExceeded when the account's job limit is reached", function()
    for i = 1, 3 do client:create_auto_ml_job(fixtures.job("limit-" .. i)) end
    local ok, err = pcall(client.create_auto_ml_job, client, fixtures.job("limit-4"))
    assert.is_false(ok)
    assert.are.equal("ResourceLimitExceeded", err.code)
    assert.are.equal("service", err.kind)
    assert.is_false(err.retryable)
    assert.are.equal(3, #emu:jobs())
  end)

  it("surfaces the service's own ValidationException when local validation is off", function()
    local raw = sagemaker.client {
      region = "us-east-1", endpoint = emu.endpoint, credentials = fixtures.credentials, validate = false,
    }
    local job = fixtures.job("bad name!")
    local ok, err = pcall(raw.create_auto_ml_job, raw, job)
    raw:close()
    assert.is_false(ok)
    assert.are.equal("ValidationException", err.code)
    assert.are.equal(400, err.status)
    assert.matches("autoMLJobName", err.message)
    assert.are.equal(0, #emu:jobs())
  end)

  it("is rejected by the emulator with InvalidSignatureException for a wrong secret", function()
    local bad = sagemaker.client {
      region = "us-east-1", endpoint = emu.endpoint,
      credentials = { access_key_id = "AKIDEXAMPLE", secret_access_key = "not-the-secret" },
    }
    local ok, err = pcall(bad.create_auto_ml_job, bad, fixtures.job("sig"))
    bad:close()
    assert.is_false(ok)
    assert.are.equal("InvalidSignatureException", err.code)
    assert.are.equal(0, #emu:jobs())
    assert.is_nil(tostring(err):find("not-the-secret", 1, true))
  end)

  it("signs temporary credentials with the session token", function()
    local temp = sagemaker.client {
      region = "us-east-1", endpoint = emu.endpoint,
      credentials = { access_key_id = "AKIDEXAMPLE",
        secret_access_key = fixtures.credentials.secret_access_key, session_token = "FQoGZXIvYXdzEXAMPLE" },
    }
    local out = temp:create_auto_ml_job(fixtures.job("temp-creds"))
    temp:close()
    assert.matches("temp%-creds$", out.AutoMLJobArn)
  end)

  it("reports local validation errors with paths and sends nothing", function()
    local job = fixtures.job("local-check")
    job.InputDataConfig[1].DataSource.S3DataSource.S3Uri = "ftp://nope"
    job.RoleArn = nil
    job.AutoMlJobName = "typo"
    local ok, err = pcall(client.create_auto_ml_job, client, job)
    assert.is_false(ok)
    assert.are.equal("validation", err.kind)
    assert.are.equal("ValidationError", err.code)
    assert.are.equal(0, err.attempts)
    local paths = {}
    for i, e in ipairs(err.errors) do paths[i] = e.path end
    assert.are.same({ "AutoMlJobName", "InputDataConfig[1].DataSource.S3DataSource.S3Uri", "RoleArn" }, paths)
    assert.matches("AutoMLJobName", err.errors[1].message)
    assert.are.equal(0, #emu:jobs())
  end)

  it("describes a job created through it", function()
    client:create_auto_ml_job(fixtures.job("describe-me"))
    local desc = client:describe_auto_ml_job { AutoMLJobName = "describe-me" }
    assert.are.equal("describe-me", desc.AutoMLJobName)
    assert.is_number(desc.CreationTime)
    assert.is_string(desc.AutoMLJobStatus)
  end)
end)
