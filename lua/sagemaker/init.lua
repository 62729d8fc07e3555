--- lua-sagemaker: Amazon SageMaker Autopilot from Lua.
--
--    local sagemaker = require("sagemaker")
--    local client = sagemaker.client{ region = "us-east-1" }
--    local out = client:create_auto_ml_job{ AutoMLJobName = "churn", ... }
--    print(out.AutoMLJobArn, out.ResponseMetadata.RequestId)
--
-- Requests use the AWS member names (as in the AWS docs and boto3).
-- Failures raise error objects (see `sagemaker.error`).
-- @module sagemaker
local core = require("sagemaker.core")
local errors = require("sagemaker.error")
local config = require("sagemaker.config")

core.set_error_metatable(errors.metatable)

local M = {
  _VERSION = core._VERSION,
  is_error = errors.is_error,
}

local Client = {}
Client.__index = Client

-- Operation names: "create_auto_ml_job" -> "CreateAutoMLJob".
local OPERATIONS = {}
for _, op in ipairs(core.operations()) do
  OPERATIONS[op.snake_name] = op.name
end

local function operation_name(name, level)
  if type(name) ~= "string" then
    error("operation name must be a string, got " .. type(name), level + 1)
  end
  local op = OPERATIONS[name]
  if op then return op end
  for _, v in pairs(OPERATIONS) do
    if v == name then return v end
  end
  local hint = config.suggest(name, OPERATIONS)
  error(("unknown operation '%s'%s"):format(name, hint and (" (did you mean '" .. hint .. "'?)") or ""),
    level + 1)
end

local function check_params(params, level)
  if params ~= nil and type(params) ~= "table" then
    error("request parameters must be a table, got " .. type(params), level + 1)
  end
end

--- Create a client. Every option is optional; see the README for the list
-- and the environment variables each one falls back to.
-- @tparam[opt] table opts options
-- @treturn Client
function M.client(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("sagemaker.client expects a table of options, got " .. type(opts), 2)
  end
  opts = opts or {}
  local handle = core.client_new(config.to_core(opts))
  local client = setmetatable({ _core = handle }, Client)
  -- Inside nginx, calls may go through cosockets (sagemaker.transport.nginx).
  if opts.transport ~= "curl" and (opts.transport == "nginx" or rawget(_G, "ngx") ~= nil) then
    client._nginx = require("sagemaker.transport.nginx").new(opts, handle:endpoint())
  end
  return client
end

--- Validate request parameters locally, without network.
-- @tparam string operation e.g. "create_auto_ml_job"
-- @tparam table params
-- @return true, or nil and a validation error object (`err.errors` lists every problem)
function M.validate(operation, params)
  local op = operation_name(operation, 2)
  check_params(params, 2)
  local ok, err = core.validate(op, params)
  if ok then return true end
  return nil, err
end

--- Validate, encode and sign a request without sending it.
-- @tparam string operation e.g. "create_auto_ml_job"
-- @tparam table params request parameters
-- @tparam[opt] table opts `time` (Unix seconds) to sign at
-- @treturn table `{ method =, url =, headers = { name = value }, body = }`
function Client:build_request(operation, params, opts)
  local op = operation_name(operation, 2)
  check_params(params, 2)
  if opts ~= nil and type(opts) ~= "table" then
    error("build_request options must be a table, got " .. type(opts), 2)
  end
  local t = opts and opts.time
  if t ~= nil and type(t) ~= "number" then
    error("build_request option 'time' must be a number (Unix seconds), got " .. type(t), 2)
  end
  return self._core:build_request(op, params, t)
end

--- The endpoint URL requests go to.
function Client:endpoint() return self._core:endpoint() end

--- The region requests are signed for.
function Client:region() return self._core:region() end

--- Where region, endpoint, profile, credentials and CA bundle came from (no secrets).
function Client:config() return self._core:config() end

--- Release the client (idempotent; also happens on garbage collection).
function Client:close() self._core:close() end

Client.__close = Client.close

function Client.__tostring(self)
  if self._core:is_closed() then return "sagemaker.client (closed)" end
  return ("sagemaker.client (%s, %s)"):format(self._core:region(), self._core:endpoint())
end

--- Create an Autopilot job (CreateAutoMLJob).
-- @function Client:create_auto_ml_job
-- @tparam table params the request, with the AWS member names
-- @treturn table `{ AutoMLJobArn =, ResponseMetadata = { RequestId =, HTTPStatusCode =, RetryAttempts = } }`
-- @raise a validation error, or a service error such as `ResourceInUse` or `ResourceLimitExceeded`

--- Describe an Autopilot job (DescribeAutoMLJob); timestamps are epoch seconds.
-- @function Client:describe_auto_ml_job
-- @tparam table params `{ AutoMLJobName = "..." }`
-- @treturn table the job description
-- @raise `ResourceNotFound` for an unknown job

--- Stop an Autopilot job (StopAutoMLJob).
-- @function Client:stop_auto_ml_job
-- @tparam table params `{ AutoMLJobName = "..." }`
-- @treturn table `{ ResponseMetadata = }`
-- @raise `ResourceNotFound` for an unknown job

--- One page of Autopilot jobs (ListAutoMLJobs); see `each_auto_ml_job` to iterate.
-- @function Client:list_auto_ml_jobs
-- @tparam[opt] table params filters, `MaxResults`, `NextToken`; timestamps as numbers or ISO 8601 strings
-- @treturn table `{ AutoMLJobSummaries =, NextToken = }`

--- One page of a job's candidates (ListCandidatesForAutoMLJob); see `each_candidate`.
-- @function Client:list_candidates_for_auto_ml_job
-- @tparam table params `{ AutoMLJobName = "...", ... }`
-- @treturn table `{ Candidates =, NextToken = }`
-- @raise `ResourceNotFound` for an unknown job

-- One method per operation of the model: client:create_auto_ml_job(params), ...
for snake, name in pairs(OPERATIONS) do
  Client[snake] = function(self, params)
    check_params(params, 2)
    local nginx = self._nginx
    if nginx and nginx:selected() then return nginx:call(self._core, name, params) end
    return self._core:call(name, params)
  end
end

-- Workflow helpers: client:each_auto_ml_job / client:each_candidate (sagemaker.paginate)
-- and client:wait_for_auto_ml_job (sagemaker.waiter).
require("sagemaker.paginate").install(Client)
require("sagemaker.waiter").install(Client)

M.Client = Client
return M
