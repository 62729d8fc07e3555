--- Pagination iterators for the list operations.
--
-- Each list operation of the model that has a paginator (`ListAutoMLJobs`,
-- `ListCandidatesForAutoMLJob`) gets an iterator on the client that follows
-- `NextToken` for you and yields one item at a time, in a generic `for`:
--
--    for job in client:each_auto_ml_job{ StatusEquals = "Completed" } do
--      print(job.AutoMLJobName, job.EndTime)
--    end
--    for cand in client:each_candidate({ AutoMLJobName = "churn" }, { limit = 5 }) do
--      print(cand.CandidateName, cand.CandidateStatus)
--    end
--
-- The request parameters stay AWS-shaped (`MaxResults` is the page size the
-- service is asked for); options of the iterator itself (`limit`) go in a
-- second table. Requests are sent lazily: the first one when the loop asks
-- for the first item. Failures are raised from inside the loop as the
-- library's error objects (see `sagemaker.error`), exactly as the list call
-- itself raises them.
-- @module sagemaker.paginate
local errors = require("sagemaker.error")

local M = {}

--- Paginator facts, as in the service model's `paginators` section.
-- Keyed by the operation's snake_case name; `method` is the iterator's name
-- on the client.
-- @table PAGINATORS
M.PAGINATORS = {
  list_auto_ml_jobs = {
    operation = "ListAutoMLJobs", method = "each_auto_ml_job",
    input_token = "NextToken", output_token = "NextToken",
    limit_key = "MaxResults", result_key = "AutoMLJobSummaries",
  },
  list_candidates_for_auto_ml_job = {
    operation = "ListCandidatesForAutoMLJob", method = "each_candidate",
    input_token = "NextToken", output_token = "NextToken",
    limit_key = "MaxResults", result_key = "Candidates",
  },
}

local OPTIONS = { limit = true }

local function paginator(operation, level)
  if type(operation) ~= "string" then
    error("operation name must be a string, got " .. type(operation), level + 1)
  end
  local p = M.PAGINATORS[operation]
  if p then return operation, p end
  for snake, q in pairs(M.PAGINATORS) do
    if q.operation == operation then return snake, q end
  end
  error(("operation '%s' has no paginator"):format(operation), level + 1)
end

local function check_args(params, opts, level)
  if params ~= nil and type(params) ~= "table" then
    error("request parameters must be a table, got " .. type(params), level + 1)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("iterator options must be a table, got " .. type(opts), level + 1)
  end
  for k in pairs(opts or {}) do
    if not OPTIONS[k] then
      error(("unknown iterator option '%s' (known: limit; request parameters such as MaxResults "
        .. "go in the first table)"):format(tostring(k)), level + 1)
    end
  end
  local limit = opts and opts.limit
  if limit ~= nil and (type(limit) ~= "number" or limit < 0 or limit ~= math.floor(limit)) then
    error("iterator option 'limit' must be a non-negative integer, got " .. tostring(limit), level + 1)
  end
  return limit
end

-- Shallow copy: the caller's table is never modified (nested values are only read).
local function copy(t)
  local c = {}
  for k, v in pairs(t or {}) do c[k] = v end
  return c
end

-- The pages iterator behind both public forms. Returns a function that
-- returns the next response (or nil when done).
local function page_stepper(client, snake, p, params)
  local request = copy(params)
  local done = false
  local seen = {}
  if request[p.input_token] ~= nil then seen[request[p.input_token]] = true end
  return function()
    if done then return nil end
    local page = client[snake](client, request)
    local token = page[p.output_token]
    if type(token) ~= "string" or token == "" then
      done = true
    elseif seen[token] then
      -- A service that hands back a token it already gave would loop forever.
      done = true
      error(errors.new {
        kind = "service", code = "PaginationError", retryable = false,
        message = ("%s returned the same %s twice; stopping"):format(p.operation, p.output_token),
      }, 0)
    else
      seen[token] = true
      request[p.input_token] = token
    end
    return page
  end
end

--- Iterate over the response pages of a list operation.
-- @tparam Client client a client from `sagemaker.client`
-- @tparam string operation `"list_auto_ml_jobs"` or `"list_candidates_for_auto_ml_job"`
--   (the AWS names `"ListAutoMLJobs"` ... work too)
-- @tparam[opt] table params request parameters, AWS-shaped (not modified)
-- @tparam[opt] table opts `limit`: the most pages to fetch
-- @return an iterator yielding each response table (with its `NextToken`, `ResponseMetadata`)
-- @usage for page in paginate.pages(client, "list_auto_ml_jobs", { MaxResults = 50 }) do ... end
function M.pages(client, operation, params, opts)
  local snake, p = paginator(operation, 2)
  local limit = check_args(params, opts, 2)
  local step = page_stepper(client, snake, p, params)
  local n = 0
  return function()
    if limit and n >= limit then return nil end
    local page = step()
    if page == nil then return nil end
    n = n + 1
    return page
  end
end

--- Iterate over the items of a list operation, across pages.
-- Empty pages that still carry a `NextToken` are followed; iteration ends
-- when the service sends no token or when `limit` items were yielded (no
-- further request is made then).
-- @tparam Client client a client from `sagemaker.client`
-- @tparam string operation `"list_auto_ml_jobs"` or `"list_candidates_for_auto_ml_job"`
-- @tparam[opt] table params request parameters, AWS-shaped (not modified); `MaxResults`
--   is the page size, an initial `NextToken` resumes an earlier listing
-- @tparam[opt] table opts `limit`: the most items to yield in total
-- @return an iterator yielding each item (an `AutoMLJobSummary` or `AutoMLCandidate` table)
-- @raise error objects from the list call (`validation`, `service`, `network`, ...)
function M.items(client, operation, params, opts)
  local snake, p = paginator(operation, 2)
  local limit = check_args(params, opts, 2)
  local step = page_stepper(client, snake, p, params)
  local list, i, n = nil, 0, 0
  return function()
    if limit and n >= limit then return nil end
    while list == nil or i >= #list do
      local page = step()
      if page == nil then return nil end
      list, i = page[p.result_key] or {}, 0
    end
    i, n = i + 1, n + 1
    return list[i]
  end
end

--- Add the iterators to the client class (`sagemaker.Client`):
-- `client:each_auto_ml_job(params, opts)` and `client:each_candidate(params, opts)`.
-- Called once by `sagemaker` at load time.
-- @tparam table Client the client metatable
function M.install(Client)
  for snake, p in pairs(M.PAGINATORS) do
    Client[p.method] = function(self, params, opts)
      check_args(params, opts, 2)
      return M.items(self, snake, params, opts)
    end
  end
end

--- Iterate over AutoML jobs (ListAutoMLJobs), following `NextToken`.
-- Installed on the client; documented here.
-- @function Client:each_auto_ml_job
-- @tparam[opt] table params ListAutoMLJobs request (`StatusEquals`, `NameContains`,
--   `CreationTimeAfter`, `SortBy`, `SortOrder`, `MaxResults`, ...)
-- @tparam[opt] table opts `limit`: the most jobs to yield
-- @return an iterator of `AutoMLJobSummary` tables
-- @usage for job in client:each_auto_ml_job{ StatusEquals = "Completed" } do print(job.AutoMLJobName) end

--- Iterate over the candidates of a job (ListCandidatesForAutoMLJob), following `NextToken`.
-- Installed on the client; documented here.
-- @function Client:each_candidate
-- @tparam table params ListCandidatesForAutoMLJob request (`AutoMLJobName` required;
--   `StatusEquals`, `CandidateNameEquals`, `SortBy`, `SortOrder`, `MaxResults`)
-- @tparam[opt] table opts `limit`: the most candidates to yield
-- @return an iterator of `AutoMLCandidate` tables
-- @usage for c in client:each_candidate({ AutoMLJobName = "churn" }, { limit = 3 }) do print(c.CandidateName) end

return M
