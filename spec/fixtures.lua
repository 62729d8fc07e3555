-- Shared request fixtures for the specs.
local M = {}

M.credentials = {
  access_key_id = "AKIDEXAMPLE",
  secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}

--- A small valid CreateAutoMLJob request; `name` sets AutoMLJobName.
function M.job(name)
  return {
    AutoMLJobName = name or "churn",
    InputDataConfig = {
      {
        DataSource = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://bucket/train/" } },
        TargetAttributeName = "y",
      },
    },
    OutputDataConfig = { S3OutputPath = "s3://bucket/output/" },
    RoleArn = "arn:aws:iam::123456789012:role/SageMakerRole",
  }
end

--- Deep copy of a plain table.
function M.copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = M.copy(v) end
  return c
end

return M
