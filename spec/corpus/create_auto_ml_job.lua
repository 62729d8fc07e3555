--- Table-driven corpus of CreateAutoMLJob requests.
--
-- Every case starts from `base()` (a valid request using every member) and
-- applies `set`: { ["dotted.path"] = value }, where list indices are numbers
-- in the path ("InputDataConfig.1.TargetAttributeName") and `DEL` removes a
-- member. `replace` substitutes the whole request instead.
--
-- valid cases: must pass client validation and be accepted by the emulator.
-- invalid cases: `paths` lists every violation the client must report, in
-- order (sorted by path); `wire = false` marks requests that cannot be sent
-- as JSON (functions, NaN, cycles, ...), so the emulator is not asked about
-- them; `server = false` marks rules the service (and so the emulator) does
-- not check (documented client-only strictness).
local M = {}

M.DEL = setmetatable({}, { __tostring = function() return "DEL" end })
local DEL = M.DEL

local function channel(kind, uri)
  return {
    DataSource = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = uri } },
    CompressionType = "None",
    TargetAttributeName = "churned",
    ContentType = "text/csv;header=present",
    ChannelType = kind,
  }
end

--- A valid request with every member set (ENSEMBLING, binary classification).
function M.base()
  return {
    AutoMLJobName = "corpus-job",
    InputDataConfig = {
      channel("training", "s3://bucket/train/"),
      channel("validation", "s3://bucket/validation/"),
    },
    OutputDataConfig = { S3OutputPath = "s3://bucket/output/", KmsKeyId = "alias/ml-output" },
    ProblemType = "BinaryClassification",
    AutoMLJobObjective = { MetricName = "F1" },
    AutoMLJobConfig = {
      CompletionCriteria = { MaxCandidates = 10, MaxRuntimePerTrainingJobInSeconds = 3600,
        MaxAutoMLJobRuntimeInSeconds = 14400 },
      SecurityConfig = {
        VolumeKmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd",
        EnableInterContainerTrafficEncryption = true,
        VpcConfig = { SecurityGroupIds = { "sg-0123456789abcdef0" }, Subnets = { "subnet-0abc" } },
      },
      DataSplitConfig = { ValidationFraction = 0.2 },
      CandidateGenerationConfig = {
        FeatureSpecificationS3Uri = "s3://bucket/features.json",
        AlgorithmsConfig = { { AutoMLAlgorithms = { "xgboost", "lightgbm" } } },
      },
      Mode = "ENSEMBLING",
    },
    RoleArn = "arn:aws:iam::123456789012:role/service-role/SageMakerRole",
    GenerateCandidateDefinitionsOnly = false,
    Tags = { { Key = "team", Value = "ml" }, { Key = "cost-center", Value = "1234" } },
    ModelDeployConfig = { AutoGenerateEndpointName = false, EndpointName = "churn-endpoint" },
  }
end

--- The smallest valid request.
function M.minimal()
  return {
    AutoMLJobName = "corpus-job",
    InputDataConfig = { { DataSource = { S3DataSource = { S3DataType = "S3Prefix",
      S3Uri = "s3://bucket/train/" } }, TargetAttributeName = "y" } },
    OutputDataConfig = { S3OutputPath = "s3://bucket/output/" },
    RoleArn = "arn:aws:iam::123456789012:role/SageMakerRole",
  }
end

local function list(n, make)
  local t = {}
  for i = 1, n do t[i] = make(i) end
  return t
end

local function tags(n) return list(n, function(i) return { Key = "k" .. i, Value = "v" .. i } end) end
local AIC = "AutoMLJobConfig"
local CGC = AIC .. ".CandidateGenerationConfig"
local VPC = AIC .. ".SecurityConfig.VpcConfig"
local S3 = "InputDataConfig.1.DataSource.S3DataSource"

M.valid = {
  { name = "minimal", replace = M.minimal },
  { name = "every member", set = {} },
  { name = "hyperparameter tuning with its algorithms",
    set = { [AIC .. ".Mode"] = "HYPERPARAMETER_TUNING",
      [CGC .. ".AlgorithmsConfig"] = { { AutoMLAlgorithms = { "mlp", "linear-learner", "xgboost" } } } } },
  { name = "AUTO mode without AlgorithmsConfig",
    set = { [AIC .. ".Mode"] = "AUTO", [CGC .. ".AlgorithmsConfig"] = DEL } },
  { name = "one training channel, ChannelType left to default",
    set = { ["InputDataConfig.2"] = DEL, ["InputDataConfig.1.ChannelType"] = DEL } },
  { name = "manifest file over https",
    set = { [S3 .. ".S3DataType"] = "ManifestFile", [S3 .. ".S3Uri"] = "https://bucket.s3.amazonaws.com/m.json" } },
  { name = "regression with R2", set = { ProblemType = "Regression", ["AutoMLJobObjective.MetricName"] = "R2" } },
  { name = "multiclass with F1macro",
    set = { ProblemType = "MulticlassClassification", ["AutoMLJobObjective.MetricName"] = "F1macro" } },
  { name = "50 unique tags", set = { Tags = tags(50) } },
  { name = "5 security groups and 16 subnets",
    set = { [VPC .. ".SecurityGroupIds"] = list(5, function(i) return "sg-" .. i end),
      [VPC .. ".Subnets"] = list(16, function(i) return "subnet-" .. i end) } },
  { name = "auto-generated endpoint name",
    set = { ["ModelDeployConfig.AutoGenerateEndpointName"] = true, ["ModelDeployConfig.EndpointName"] = DEL } },
  { name = "validation fraction 0.5", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = 0.5 } },
  { name = "empty KMS key id (the pattern allows it)", set = { ["OutputDataConfig.KmsKeyId"] = "" } },
  { name = "MaxCandidates 750 given as the float lua-cjson makes",
    set = { [AIC .. ".CompletionCriteria.MaxCandidates"] = 750.0 } },
  { name = "empty algorithm list means every algorithm of the mode",
    set = { [CGC .. ".AlgorithmsConfig"] = { { AutoMLAlgorithms = {} } } } },
  { name = "unicode letters, spaces and numbers in tags",
    set = { Tags = { { Key = "équipe données", Value = "機械学習 ٣" } } } },
  { name = "sample weights in ensembling mode",
    set = { ["InputDataConfig.1.SampleWeightAttributeName"] = "weight" } },
  { name = "32-character job name with hyphens", set = { AutoMLJobName = "a-" .. string.rep("b", 29) .. "c" } },
}

local BIG = string.rep("x", 10 * 1024 * 1024)

M.invalid = {
  -- required members
  { name = "no job name", set = { AutoMLJobName = DEL }, paths = { "AutoMLJobName" } },
  { name = "no input", set = { InputDataConfig = DEL }, paths = { "InputDataConfig" } },
  { name = "no output", set = { OutputDataConfig = DEL }, paths = { "OutputDataConfig" } },
  { name = "no role", set = { RoleArn = DEL }, paths = { "RoleArn" } },
  { name = "no S3 output path", set = { ["OutputDataConfig.S3OutputPath"] = DEL },
    paths = { "OutputDataConfig.S3OutputPath" } },
  { name = "no S3 data source", set = { ["InputDataConfig.1.DataSource.S3DataSource"] = DEL },
    paths = { "InputDataConfig[1].DataSource.S3DataSource" } },
  { name = "no S3 data type", set = { [S3 .. ".S3DataType"] = DEL },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3DataType" } },
  { name = "no S3 URI", set = { [S3 .. ".S3Uri"] = DEL },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3Uri" } },
  { name = "no target attribute", set = { ["InputDataConfig.1.TargetAttributeName"] = DEL },
    paths = { "InputDataConfig[1].TargetAttributeName" } },
  { name = "objective without metric", set = { ["AutoMLJobObjective.MetricName"] = DEL },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "VPC without subnets", set = { [VPC .. ".Subnets"] = DEL }, paths = { VPC .. ".Subnets" } },
  { name = "VPC without security groups", set = { [VPC .. ".SecurityGroupIds"] = DEL },
    paths = { VPC .. ".SecurityGroupIds" } },
  { name = "algorithm config without algorithms", set = { [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = DEL },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms" } },
  { name = "tag without key", set = { ["Tags.1.Key"] = DEL }, paths = { "Tags[1].Key" } },
  { name = "tag without value", set = { ["Tags.2.Value"] = DEL }, paths = { "Tags[2].Value" } },

  -- lengths, counts and ranges
  { name = "job name too long", set = { AutoMLJobName = string.rep("a", 33) }, paths = { "AutoMLJobName" } },
  { name = "job name empty", set = { AutoMLJobName = "" }, paths = { "AutoMLJobName" } },
  { name = "role ARN too short", set = { RoleArn = "arn:aws:iam::1:r" }, paths = { "RoleArn" } },
  { name = "no channel", set = { InputDataConfig = {} }, paths = { "InputDataConfig" } },
  { name = "three channels", set = { ["InputDataConfig.3"] = channel("training", "s3://b/3/") },
    paths = { "InputDataConfig" } },
  { name = "empty target attribute", set = { ["InputDataConfig.1.TargetAttributeName"] = "" },
    paths = { "InputDataConfig[1].TargetAttributeName" } },
  { name = "S3 URI over 1024 characters", set = { [S3 .. ".S3Uri"] = "s3://b/" .. string.rep("k", 1020) },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3Uri" } },
  { name = "10 MB S3 URI", set = { [S3 .. ".S3Uri"] = "s3://b/" .. BIG },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3Uri" }, wire = false }, -- over the 8 MiB body cap
  { name = "KMS key over 2048 characters", set = { ["OutputDataConfig.KmsKeyId"] = string.rep("k", 2049) },
    paths = { "OutputDataConfig.KmsKeyId" } },
  { name = "content type over 256 characters",
    set = { ["InputDataConfig.1.ContentType"] = string.rep("c", 257),
      ["InputDataConfig.2.ContentType"] = string.rep("c", 257) },
    paths = { "InputDataConfig[1].ContentType", "InputDataConfig[2].ContentType" } },
  { name = "MaxCandidates 0", set = { [AIC .. ".CompletionCriteria.MaxCandidates"] = 0 },
    paths = { AIC .. ".CompletionCriteria.MaxCandidates" } },
  { name = "MaxCandidates 751", set = { [AIC .. ".CompletionCriteria.MaxCandidates"] = 751 },
    paths = { AIC .. ".CompletionCriteria.MaxCandidates" } },
  { name = "negative job runtime", set = { [AIC .. ".CompletionCriteria.MaxAutoMLJobRuntimeInSeconds"] = -1 },
    paths = { AIC .. ".CompletionCriteria.MaxAutoMLJobRuntimeInSeconds" } },
  { name = "runtime beyond a 32-bit integer",
    set = { [AIC .. ".CompletionCriteria.MaxRuntimePerTrainingJobInSeconds"] = 2 ^ 31 },
    paths = { AIC .. ".CompletionCriteria.MaxRuntimePerTrainingJobInSeconds" } },
  { name = "six security groups", set = { [VPC .. ".SecurityGroupIds"] = list(6, function(i) return "sg-" .. i end) },
    paths = { VPC .. ".SecurityGroupIds" } },
  { name = "seventeen subnets", set = { [VPC .. ".Subnets"] = list(17, function(i) return "subnet-" .. i end) },
    paths = { VPC .. ".Subnets" } },
  { name = "no security groups", set = { [VPC .. ".SecurityGroupIds"] = {} }, paths = { VPC .. ".SecurityGroupIds" } },
  { name = "subnet id over 32 characters", set = { [VPC .. ".Subnets"] = { "subnet-" .. string.rep("0", 26) } },
    paths = { VPC .. ".Subnets[1]" } },
  { name = "51 tags", set = { Tags = tags(51) }, paths = { "Tags" } },
  { name = "tag key over 128 characters", set = { ["Tags.1.Key"] = string.rep("k", 129) }, paths = { "Tags[1].Key" } },
  { name = "empty tag key", set = { ["Tags.1.Key"] = "" }, paths = { "Tags[1].Key" } },
  { name = "tag value over 256 characters", set = { ["Tags.1.Value"] = string.rep("é", 257) },
    paths = { "Tags[1].Value" } },
  { name = "endpoint name over 63 characters", set = { ["ModelDeployConfig.EndpointName"] = string.rep("e", 64) },
    paths = { "ModelDeployConfig.EndpointName" } },
  { name = "two algorithm configs",
    set = { [CGC .. ".AlgorithmsConfig.2"] = { AutoMLAlgorithms = { "xgboost" } } },
    paths = { CGC .. ".AlgorithmsConfig" } },
  { name = "twelve algorithms",
    set = { [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = list(12, function() return "xgboost" end) },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms" } },
  { name = "sample weight attribute empty", set = { ["InputDataConfig.1.SampleWeightAttributeName"] = "" },
    paths = { "InputDataConfig[1].SampleWeightAttributeName" } },
  { name = "validation fraction above 1", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = 1.5 },
    paths = { AIC .. ".DataSplitConfig.ValidationFraction" } },

  -- patterns (full match)
  { name = "underscore in job name", set = { AutoMLJobName = "my_job" }, paths = { "AutoMLJobName" } },
  { name = "job name ends with a hyphen", set = { AutoMLJobName = "job-" }, paths = { "AutoMLJobName" } },
  { name = "job name with a space", set = { AutoMLJobName = "my job" }, paths = { "AutoMLJobName" } },
  { name = "ftp S3 URI", set = { [S3 .. ".S3Uri"] = "ftp://bucket/x" },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3Uri" } },
  { name = "S3 URI without bucket", set = { ["OutputDataConfig.S3OutputPath"] = "s3:///prefix" },
    paths = { "OutputDataConfig.S3OutputPath" } },
  { name = "S3 URI without scheme", set = { ["OutputDataConfig.S3OutputPath"] = "bucket/prefix" },
    paths = { "OutputDataConfig.S3OutputPath" } },
  { name = "role ARN of a user", set = { RoleArn = "arn:aws:iam::123456789012:user/someone" }, paths = { "RoleArn" } },
  { name = "role ARN with an 11-digit account", set = { RoleArn = "arn:aws:iam::12345678901:role/SageMakerRole" },
    paths = { "RoleArn" } },
  { name = "role ARN with trailing text", set = { RoleArn = "arn:aws:iam::123456789012:role/R ole" },
    paths = { "RoleArn" } },
  { name = "KMS key with spaces", set = { ["OutputDataConfig.KmsKeyId"] = "my key" },
    paths = { "OutputDataConfig.KmsKeyId" } },
  { name = "security group with underscore", set = { [VPC .. ".SecurityGroupIds"] = { "sg_1" } },
    paths = { VPC .. ".SecurityGroupIds[1]" } },
  { name = "tag key with a bang", set = { ["Tags.1.Key"] = "team!" }, paths = { "Tags[1].Key" } },
  { name = "tag value with a newline", set = { ["Tags.1.Value"] = "a\nb" }, paths = { "Tags[1].Value" } },
  { name = "endpoint name with a dot", set = { ["ModelDeployConfig.EndpointName"] = "churn.endpoint" },
    paths = { "ModelDeployConfig.EndpointName" } },
  { name = "sample weight attribute with a space", set = { ["InputDataConfig.1.SampleWeightAttributeName"] = "w t" },
    paths = { "InputDataConfig[1].SampleWeightAttributeName" } },

  -- enums
  { name = "S3 data type in the wrong case", set = { [S3 .. ".S3DataType"] = "S3prefix" },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3DataType" } },
  { name = "unknown compression", set = { ["InputDataConfig.1.CompressionType"] = "Zip" },
    paths = { "InputDataConfig[1].CompressionType" } },
  { name = "unknown channel type", set = { ["InputDataConfig.2.ChannelType"] = "test" },
    paths = { "InputDataConfig[2].ChannelType" } },
  { name = "problem type in lower case", set = { ProblemType = "regression" }, paths = { "ProblemType" } },
  { name = "unknown metric", set = { ["AutoMLJobObjective.MetricName"] = "LogLoss" },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "unknown mode", set = { [AIC .. ".Mode"] = "FAST" }, paths = { AIC .. ".Mode" } },
  { name = "unknown algorithm", set = { [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = { "svm" } },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms[1]" } },

  -- types
  { name = "job name as a number", set = { AutoMLJobName = 42 }, paths = { "AutoMLJobName" } },
  { name = "MaxCandidates as a string", set = { [AIC .. ".CompletionCriteria.MaxCandidates"] = "5" },
    paths = { AIC .. ".CompletionCriteria.MaxCandidates" } },
  { name = "MaxCandidates 5.5", set = { [AIC .. ".CompletionCriteria.MaxCandidates"] = 5.5 },
    paths = { AIC .. ".CompletionCriteria.MaxCandidates" } },
  { name = "boolean as a string", set = { GenerateCandidateDefinitionsOnly = "true" },
    paths = { "GenerateCandidateDefinitionsOnly" } },
  { name = "boolean as a number", set = { [AIC .. ".SecurityConfig.EnableInterContainerTrafficEncryption"] = 1 },
    paths = { AIC .. ".SecurityConfig.EnableInterContainerTrafficEncryption" } },
  { name = "fraction as a string", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = "0.2" },
    paths = { AIC .. ".DataSplitConfig.ValidationFraction" } },
  { name = "structure where a list belongs", set = { InputDataConfig = channel("training", "s3://b/t/") },
    paths = { "InputDataConfig" } },
  { name = "list where a structure belongs", set = { OutputDataConfig = { "s3://bucket/output/" } },
    paths = { "OutputDataConfig" } },
  { name = "string where a list belongs", set = { Tags = "team=ml" }, paths = { "Tags" } },
  { name = "string where a structure belongs", set = { AutoMLJobObjective = "F1" }, paths = { "AutoMLJobObjective" } },
  { name = "number in a string list", set = { [VPC .. ".Subnets"] = { "subnet-1", 2 } },
    paths = { VPC .. ".Subnets[2]" } },
  { name = "invalid UTF-8 in a tag", set = { ["Tags.1.Value"] = "caf\233" }, paths = { "Tags[1].Value" } },
  { name = "NUL byte in the job name", set = { AutoMLJobName = "job\0name" }, paths = { "AutoMLJobName" } },
  { name = "NaN fraction", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = 0 / 0 },
    paths = { AIC .. ".DataSplitConfig.ValidationFraction" }, wire = false },
  { name = "infinite runtime", set = { [AIC .. ".CompletionCriteria.MaxAutoMLJobRuntimeInSeconds"] = math.huge },
    paths = { AIC .. ".CompletionCriteria.MaxAutoMLJobRuntimeInSeconds" }, wire = false },
  { name = "function as a value", set = { RoleArn = print }, paths = { "RoleArn" }, wire = false },
  { name = "coroutine as a value", set = { ProblemType = coroutine.create(function() end) },
    paths = { "ProblemType" }, wire = false },
  { name = "userdata as a value", set = { ProblemType = io.stdout }, paths = { "ProblemType" }, wire = false },
  { name = "list with a hole", set = { Tags = { [1] = { Key = "a", Value = "b" }, [3] = { Key = "c", Value = "d" } } },
    paths = { "Tags" }, wire = false },
  { name = "list with named keys", set = { [VPC .. ".Subnets"] = { "subnet-1", extra = "x" } },
    paths = { VPC .. ".Subnets" }, wire = false },
  { name = "structure with a number key", set = { OutputDataConfig = { S3OutputPath = "s3://b/o/", [2] = "x" } },
    paths = { "OutputDataConfig" }, wire = false },

  -- unknown members
  { name = "misspelt top-level member", set = { AutoMlJobName = "x" }, paths = { "AutoMlJobName" } },
  { name = "unknown nested member", set = { ["OutputDataConfig.S3Output"] = "s3://b/o/" },
    paths = { "OutputDataConfig.S3Output" } },
  { name = "snake_case member", set = { role_arn = "arn:aws:iam::123456789012:role/R" }, paths = { "role_arn" } },
  { name = "V2 member in a V1 request", set = { AutoMLProblemTypeConfig = { TabularJobConfig = {} } },
    paths = { "AutoMLProblemTypeConfig" } },

  -- rules stated only by the reference page
  { name = "two training channels", set = { ["InputDataConfig.2.ChannelType"] = "training" },
    paths = { "InputDataConfig[2].ChannelType" } },
  { name = "two training channels by default", set = { ["InputDataConfig.1.ChannelType"] = DEL,
    ["InputDataConfig.2.ChannelType"] = DEL }, paths = { "InputDataConfig[2]" } },
  { name = "validation channel alone", set = { ["InputDataConfig.2"] = DEL,
    ["InputDataConfig.1.ChannelType"] = "validation" }, paths = { "InputDataConfig[1].ChannelType" } },
  { name = "validation channel with another target", set = { ["InputDataConfig.2.TargetAttributeName"] = "label" },
    paths = { "InputDataConfig[2].TargetAttributeName" } },
  { name = "validation channel with another content type",
    set = { ["InputDataConfig.2.ContentType"] = "x-application/vnd.amazon+parquet" },
    paths = { "InputDataConfig[2].ContentType" } },
  { name = "validation fraction 0", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = 0 },
    paths = { AIC .. ".DataSplitConfig.ValidationFraction" } },
  { name = "validation fraction 1", set = { [AIC .. ".DataSplitConfig.ValidationFraction"] = 1 },
    paths = { AIC .. ".DataSplitConfig.ValidationFraction" } },
  { name = "algorithms in AUTO mode", set = { [AIC .. ".Mode"] = "AUTO" }, paths = { CGC .. ".AlgorithmsConfig" } },
  { name = "HPO algorithm in ensembling mode", set = { [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = { "mlp" } },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms[1]" } },
  { name = "ensembling algorithm in HPO mode", set = { [AIC .. ".Mode"] = "HYPERPARAMETER_TUNING",
    ["InputDataConfig.1.SampleWeightAttributeName"] = DEL },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms[2]" } },
  { name = "time-series algorithm", set = { [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = { "deepar" } },
    paths = { CGC .. ".AlgorithmsConfig[1].AutoMLAlgorithms[1]" } },
  { name = "endpoint name with an auto-generated one",
    set = { ["ModelDeployConfig.AutoGenerateEndpointName"] = true }, paths = { "ModelDeployConfig.EndpointName" } },
  { name = "regression metric for binary classification", set = { ["AutoMLJobObjective.MetricName"] = "RMSE" },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "binary metric for regression", set = { ProblemType = "Regression" },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "macro metric for binary classification", set = { ["AutoMLJobObjective.MetricName"] = "F1macro" },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "forecasting metric", set = { ["AutoMLJobObjective.MetricName"] = "MAPE" },
    paths = { "AutoMLJobObjective.MetricName" } },
  { name = "duplicate tag keys", set = { ["Tags.2.Key"] = "team" }, paths = { "Tags[2].Key" } },
  { name = "sample weights outside ensembling",
    set = { [AIC .. ".Mode"] = "HYPERPARAMETER_TUNING", [CGC .. ".AlgorithmsConfig.1.AutoMLAlgorithms"] = { "xgboost" },
      ["InputDataConfig.1.SampleWeightAttributeName"] = "weight" },
    paths = { "InputDataConfig[1].SampleWeightAttributeName" } },

  -- stricter than the service: the reference page's wording, which the
  -- emulator (like the service, as far as we know) does not enforce
  { name = "augmented manifest (V2 jobs only)", set = { [S3 .. ".S3DataType"] = "AugmentedManifestFile" },
    paths = { "InputDataConfig[1].DataSource.S3DataSource.S3DataType" }, server = false },
  { name = "AutoGenerateEndpointName false without EndpointName (\"if and only if\")",
    set = { ["ModelDeployConfig.EndpointName"] = DEL }, paths = { "ModelDeployConfig.EndpointName" }, server = false },

  -- several problems at once, reported together and sorted
  { name = "several problems at once",
    set = { AutoMLJobName = "bad_name", RoleArn = DEL, ["Tags.1.Key"] = "", [S3 .. ".S3Uri"] = "nope" },
    paths = { "AutoMLJobName", "InputDataConfig[1].DataSource.S3DataSource.S3Uri", "RoleArn", "Tags[1].Key" } },
}

--- Deep copy of a plain table (functions, userdata and threads are shared).
local function copy(v)
  if type(v) ~= "table" then return v end
  local c = {}
  for k, x in pairs(v) do c[k] = copy(x) end
  return c
end

--- Build the request of `case`.
function M.build(case)
  local req = case.replace and case.replace() or M.base()
  for path, value in pairs(case.set or {}) do
    local parent = req
    local parts = {}
    for part in path:gmatch("[^.]+") do parts[#parts + 1] = tonumber(part) or part end
    for i = 1, #parts - 1 do parent = parent[parts[i]] end
    local key = parts[#parts]
    if value == DEL then
      if type(key) == "number" then table.remove(parent, key) else parent[key] = nil end
    else
      parent[key] = copy(value)
    end
  end
  return req
end

return M
