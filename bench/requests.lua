--- CreateAutoMLJob requests measured by the benchmarks.
--
-- `minimal()` has only the required members. `maximal()` sets every member of
-- the request, at the model's largest list sizes (2 channels, 50 tags,
-- 5 security groups, 16 subnets), and obeys the reference page's rules:
-- ENSEMBLING mode with ENSEMBLING algorithms, a metric that fits the problem
-- type, EndpointName with AutoGenerateEndpointName = false, unique tag keys,
-- a validation channel sharing ContentType and TargetAttributeName with the
-- training channel, SampleWeightAttributeName only in ENSEMBLING mode.
-- `grown{ tags =, subnets =, channels = }` is the minimal request with only
-- the named parts grown, for the cost-growth rows.
local M = {}

local ROLE = "arn:aws:iam::123456789012:role/SageMakerAutopilotBench"

local function channel(kind, full)
  local c = {
    DataSource = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://bench-bucket/churn/" .. kind .. "/" } },
    TargetAttributeName = "churned",
  }
  if full then
    c.CompressionType = "Gzip"
    c.ContentType = "text/csv;header=present"
    c.ChannelType = kind
    c.SampleWeightAttributeName = "sample_weight"
  end
  return c
end

-- Tag i: unique keys; a few values carry non-ASCII letters (\p{L}) so the
-- Unicode pattern classes are exercised as they are in real use.
local function tag(i)
  local value = ("value-%02d:team=ml/project+churn@bench"):format(i)
  if i % 10 == 0 then value = "équipe données " .. i end
  return { Key = ("cost-center/key.%02d"):format(i), Value = value }
end

local function list(n, f)
  local t = {}
  for i = 1, n do t[i] = f(i) end
  return t
end

local function subnet(i) return ("subnet-0a1b2c3d4e5f%05d"):format(i) end
local function security_group(i) return ("sg-0f1e2d3c4b5a%05d"):format(i) end

function M.minimal()
  return {
    AutoMLJobName = "bench-minimal",
    InputDataConfig = { channel("training", false) },
    OutputDataConfig = { S3OutputPath = "s3://bench-bucket/churn/output/" },
    RoleArn = ROLE,
  }
end

function M.maximal()
  return {
    AutoMLJobName = "bench-maximal-job-0001",
    InputDataConfig = { channel("training", true), channel("validation", true) },
    OutputDataConfig = {
      KmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      S3OutputPath = "s3://bench-bucket/churn/output/",
    },
    ProblemType = "BinaryClassification",
    AutoMLJobObjective = { MetricName = "F1" },
    AutoMLJobConfig = {
      CompletionCriteria = {
        MaxCandidates = 250,
        MaxRuntimePerTrainingJobInSeconds = 86400,
        MaxAutoMLJobRuntimeInSeconds = 259200,
      },
      SecurityConfig = {
        VolumeKmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456",
        EnableInterContainerTrafficEncryption = true,
        VpcConfig = {
          SecurityGroupIds = list(5, security_group),
          Subnets = list(16, subnet),
        },
      },
      CandidateGenerationConfig = {
        FeatureSpecificationS3Uri = "s3://bench-bucket/churn/features.json",
        AlgorithmsConfig = { {
          AutoMLAlgorithms = {
            "catboost", "extra-trees", "fastai", "lightgbm", "linear-learner", "nn-torch", "randomforest", "xgboost",
          },
        } },
      },
      DataSplitConfig = { ValidationFraction = 0.2 },
      Mode = "ENSEMBLING",
    },
    RoleArn = ROLE,
    GenerateCandidateDefinitionsOnly = false,
    Tags = list(50, tag),
    ModelDeployConfig = { AutoGenerateEndpointName = false, EndpointName = "churn-bench-endpoint" },
  }
end

function M.grown(opts)
  local r = M.minimal()
  r.AutoMLJobName = "bench-grown"
  if opts.tags then r.Tags = list(opts.tags, tag) end
  if opts.subnets then
    r.AutoMLJobConfig = {
      SecurityConfig = {
        VpcConfig = { SecurityGroupIds = { security_group(1) }, Subnets = list(opts.subnets, subnet) },
      },
    }
  end
  if opts.channels and opts.channels >= 2 then
    r.InputDataConfig = { channel("training", true), channel("validation", true) }
    r.AutoMLJobConfig = r.AutoMLJobConfig or {}
    r.AutoMLJobConfig.Mode = "ENSEMBLING" -- SampleWeightAttributeName needs it
  elseif opts.channels then
    r.InputDataConfig = { channel("training", true) }
    r.AutoMLJobConfig = r.AutoMLJobConfig or {}
    r.AutoMLJobConfig.Mode = "ENSEMBLING"
  end
  return r
end

--- The request a benchmark row names: "minimal" (also "base", the growth
-- rows' own baseline), "maximal", "tags:N", "subnets:N" or "channels:N".
function M.named(name)
  if name == "minimal" or name == "base" then return M.minimal() end
  if name == "maximal" then return M.maximal() end
  local what, n = name:match("^(%a+):(%d+)$")
  if what == "tags" or what == "subnets" or what == "channels" then
    return M.grown{ [what] = tonumber(n) }
  end
  error("unknown request name: " .. tostring(name))
end

return M
