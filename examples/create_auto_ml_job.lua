#!/usr/bin/env lua5.4
--- Create an Autopilot job from a job file and print its ARN.
--
-- The job file is the JSON that `aws sagemaker create-auto-ml-job
-- --cli-input-json file://job.json` takes.
--
--   lua5.4 examples/create_auto_ml_job.lua examples/job.json
--   lua5.4 examples/create_auto_ml_job.lua job.json --name my-job --region eu-west-1
--   lua5.4 examples/create_auto_ml_job.lua job.json --endpoint http://127.0.0.1:4566
--
-- Without --endpoint it talks to the real SageMaker endpoint of the region,
-- with credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
-- (/ AWS_SESSION_TOKEN) and the region from --region, AWS_REGION or
-- AWS_DEFAULT_REGION.
local cjson = require("cjson")
local sagemaker = require("sagemaker")

local function usage(msg)
  io.stderr:write(msg and (msg .. "\n") or "",
    "usage: create_auto_ml_job.lua JOB.json [--name NAME] [--region REGION] [--endpoint URL]\n")
  os.exit(2)
end

local path, opts = nil, {}
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--name" or a == "--region" or a == "--endpoint" then
    opts[a:sub(3)] = arg[i + 1] or usage("missing value for " .. a)
    i = i + 2
  elseif a:sub(1, 2) == "--" then
    usage("unknown option " .. a)
  else
    if path then usage("more than one job file") end
    path, i = a, i + 1
  end
end
if not path then usage() end
path = path:gsub("^file://", "")

local f, ferr = io.open(path, "rb")
if not f then usage("cannot open job file: " .. ferr) end
local text = f:read("*a")
f:close()
local ok, job = pcall(cjson.decode, text)
if not ok or type(job) ~= "table" then usage("job file is not a JSON object: " .. tostring(job)) end
if opts.name then job.AutoMLJobName = opts.name end

local client_ok, result = pcall(function()
  local client = sagemaker.client { region = opts.region, endpoint = opts.endpoint }
  return client:create_auto_ml_job(job)
end)
if not client_ok then
  io.stderr:write(tostring(result), "\n")
  if sagemaker.is_error(result) and result.errors then
    for _, e in ipairs(result.errors) do
      io.stderr:write("  ", e.path, ": ", e.message, "\n")
    end
  end
  os.exit(1)
end
print(result.AutoMLJobArn)
