-- Pagination iterators: client:each_auto_ml_job / client:each_candidate and
-- sagemaker.paginate.pages/items. First against a scripted stand-in client (no
-- network), then across real pages served by the emulator.
local sagemaker = require("sagemaker")
local paginate = require("sagemaker.paginate")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

-- A stand-in client whose list_auto_ml_jobs serves `pages` in order and records requests.
local function scripted(pages)
  local c = { requests = {} }
  function c.list_auto_ml_jobs(self, params)
    local copy = {}
    for k, v in pairs(params) do copy[k] = v end
    self.requests[#self.requests + 1] = copy
    local page = pages[#self.requests]
    assert(page, "more requests than scripted pages")
    return page
  end
  return c
end

local function names(iter)
  local out = {}
  for item in iter do out[#out + 1] = item.AutoMLJobName end
  return out
end

describe("sagemaker.paginate with a scripted client", function()
  it("follows NextToken across pages, resends the filters, and leaves params untouched", function()
    local c = scripted {
      { AutoMLJobSummaries = { { AutoMLJobName = "a" }, { AutoMLJobName = "b" } }, NextToken = "t1" },
      { AutoMLJobSummaries = { { AutoMLJobName = "c" } }, NextToken = "t2" },
      { AutoMLJobSummaries = { { AutoMLJobName = "d" } } },
    }
    local params = { StatusEquals = "Completed", MaxResults = 2 }
    assert.are.same({ "a", "b", "c", "d" }, names(paginate.items(c, "list_auto_ml_jobs", params)))
    assert.are.same({
      { StatusEquals = "Completed", MaxResults = 2 },
      { StatusEquals = "Completed", MaxResults = 2, NextToken = "t1" },
      { StatusEquals = "Completed", MaxResults = 2, NextToken = "t2" },
    }, c.requests)
    assert.are.same({ StatusEquals = "Completed", MaxResults = 2 }, params)
  end)

  it("follows empty pages that still carry a token", function()
    local c = scripted {
      { AutoMLJobSummaries = {}, NextToken = "t1" },
      { NextToken = "t2" },
      { AutoMLJobSummaries = { { AutoMLJobName = "x" } } },
    }
    assert.are.same({ "x" }, names(paginate.items(c, "ListAutoMLJobs")))
    assert.are.equal(3, #c.requests)
  end)

  it("stops at the limit without requesting another page", function()
    local c = scripted {
      { AutoMLJobSummaries = { { AutoMLJobName = "a" }, { AutoMLJobName = "b" } }, NextToken = "t1" },
      { AutoMLJobSummaries = { { AutoMLJobName = "c" }, { AutoMLJobName = "d" } }, NextToken = "t2" },
    }
    assert.are.same({ "a", "b", "c" }, names(paginate.items(c, "list_auto_ml_jobs", {}, { limit = 3 })))
    assert.are.equal(2, #c.requests)
    local none = scripted {}
    assert.are.same({}, names(paginate.items(none, "list_auto_ml_jobs", nil, { limit = 0 })))
    assert.are.equal(0, #none.requests)
  end)

  it("resumes from a NextToken given in the params", function()
    local c = scripted { { AutoMLJobSummaries = { { AutoMLJobName = "z" } } } }
    assert.are.same({ "z" }, names(paginate.items(c, "list_auto_ml_jobs", { NextToken = "resume" })))
    assert.are.equal("resume", c.requests[1].NextToken)
  end)

  it("raises a PaginationError instead of looping when a token comes back twice", function()
    local c = scripted {
      { AutoMLJobSummaries = { { AutoMLJobName = "a" } }, NextToken = "same" },
      { AutoMLJobSummaries = { { AutoMLJobName = "b" } }, NextToken = "same" },
    }
    local seen = {}
    local ok, err = pcall(function()
      for job in paginate.items(c, "list_auto_ml_jobs") do seen[#seen + 1] = job.AutoMLJobName end
    end)
    assert.is_false(ok)
    assert.is_true(sagemaker.is_error(err))
    assert.are.equal("PaginationError", err.code)
    assert.are.same({ "a" }, seen)
  end)

  it("iterates over whole pages with paginate.pages, with a page limit", function()
    local c = scripted {
      { AutoMLJobSummaries = { { AutoMLJobName = "a" } }, NextToken = "t1" },
      { AutoMLJobSummaries = { { AutoMLJobName = "b" } }, NextToken = "t2" },
      { AutoMLJobSummaries = { { AutoMLJobName = "c" } } },
    }
    local tokens = {}
    for page in paginate.pages(c, "list_auto_ml_jobs", {}, { limit = 2 }) do
      tokens[#tokens + 1] = page.NextToken
    end
    assert.are.same({ "t1", "t2" }, tokens)
    assert.are.equal(2, #c.requests)
  end)

  it("rejects bad arguments at the call site", function()
    local c = scripted {}
    assert.has_error(function() paginate.items(c, "describe_auto_ml_job") end,
      "operation 'describe_auto_ml_job' has no paginator")
    assert.has_error(function() paginate.items(c, "list_auto_ml_jobs", "x") end,
      "request parameters must be a table, got string")
    assert.has_error(function() paginate.items(c, "list_auto_ml_jobs", {}, { limit = -1 }) end,
      "iterator option 'limit' must be a non-negative integer, got -1")
    assert.has_error(function() paginate.items(c, "list_auto_ml_jobs", {}, { MaxResults = 5 }) end)
  end)

  it("agrees with the paginators of the service model", function()
    local f = io.open("../shared/aws-model/sagemaker-automl.json", "rb")
    if not f then
      pending("SKIP: ../shared/aws-model/sagemaker-automl.json not present; paginator facts not checked")
      return
    end
    local model = require("cjson").decode(f:read("*a"))
    f:close()
    local count = 0
    for op, facts in pairs(model.paginators) do
      local mine
      for _, p in pairs(paginate.PAGINATORS) do
        if p.operation == op then mine = p end
      end
      assert.is_table(mine, op)
      for _, key in ipairs({ "input_token", "output_token", "limit_key", "result_key" }) do
        assert.are.equal(facts[key], mine[key], op .. "." .. key)
      end
      count = count + 1
    end
    local ours = 0
    for _ in pairs(paginate.PAGINATORS) do ours = ours + 1 end
    assert.are.equal(count, ours)
  end)
end)

describe("client iterators against the emulator", function()
  local emu, client

  local function count_requests(target)
    local n = 0
    for _, r in ipairs(emu:requests()) do
      if r.target == "SageMaker." .. target then n = n + 1 end
    end
    return n
  end

  setup(function()
    emu = emulator.start { job_duration = 1 }
    client = sagemaker.client(emu:client_options { max_attempts = 1 })
    for i = 1, 5 do client:create_auto_ml_job(fixtures.job("page-job-" .. i)) end
    client:create_auto_ml_job(fixtures.job("fail-page-job"))
    client:wait_for_auto_ml_job("page-job-5", { interval = 0.1, timeout = 10 })
  end)

  teardown(function()
    if client then client:close() end
    if emu then emu:stop() end
  end)

  before_each(function() emu:requests(true) end)

  it("lists every job across several pages with a small MaxResults", function()
    local got = {}
    for job in client:each_auto_ml_job { MaxResults = 2, SortBy = "Name", SortOrder = "Ascending" } do
      got[#got + 1] = job.AutoMLJobName
    end
    assert.are.same({ "fail-page-job", "page-job-1", "page-job-2", "page-job-3", "page-job-4", "page-job-5" }, got)
    assert.are.equal(3, count_requests("ListAutoMLJobs"))
  end)

  it("keeps the filters on every page (StatusEquals)", function()
    local got = {}
    for job in client:each_auto_ml_job { StatusEquals = "Completed", MaxResults = 2 } do
      assert.are.equal("Completed", job.AutoMLJobStatus)
      assert.is_number(job.CreationTime)
      got[#got + 1] = job.AutoMLJobName
    end
    assert.are.equal(5, #got)
    assert.are.equal(3, count_requests("ListAutoMLJobs"))
  end)

  it("stops after `limit` jobs, requesting only the pages it needs", function()
    local got = {}
    for job in client:each_auto_ml_job({ MaxResults = 2 }, { limit = 3 }) do got[#got + 1] = job end
    assert.are.equal(3, #got)
    assert.are.equal(2, count_requests("ListAutoMLJobs"))
  end)

  it("lists every candidate of a job across several pages", function()
    local got, seen = {}, {}
    for cand in client:each_candidate { AutoMLJobName = "page-job-5", MaxResults = 3 } do
      assert.is_nil(seen[cand.CandidateName])
      seen[cand.CandidateName] = true
      got[#got + 1] = cand
    end
    assert.are.equal(10, #got)
    assert.are.equal(4, count_requests("ListCandidatesForAutoMLJob"))
    for i = 2, #got do assert.is_true(got[i - 1].CreationTime <= got[i].CreationTime) end
  end)

  it("limits candidates and honours their filters", function()
    local got = {}
    for cand in client:each_candidate({ AutoMLJobName = "page-job-5", StatusEquals = "Completed",
      SortBy = "FinalObjectiveMetricValue", SortOrder = "Descending", MaxResults = 2 }, { limit = 5 }) do
      got[#got + 1] = cand.FinalAutoMLJobObjectiveMetric.Value
    end
    assert.are.equal(5, #got)
    for i = 2, #got do assert.is_true(got[i - 1] >= got[i]) end
    assert.are.equal(3, count_requests("ListCandidatesForAutoMLJob"))
  end)

  it("raises the service's error objects from inside the loop", function()
    local ok, err = pcall(function()
      for _ in client:each_candidate { AutoMLJobName = "no-such-job" } do end
    end)
    assert.is_false(ok)
    assert.is_true(sagemaker.is_error(err))
    assert.are.equal("service", err.kind)
    assert.are.equal("ResourceNotFound", err.code)
  end)

  it("raises validation errors locally, before any request", function()
    local ok, err = pcall(function()
      for _ in client:each_auto_ml_job { MaxResults = 1000 } do end
    end)
    assert.is_false(ok)
    assert.are.equal("validation", err.kind)
    assert.are.equal("MaxResults", err.errors[1].path)
    assert.are.equal(0, count_requests("ListAutoMLJobs"))
  end)

  it("checks its arguments when called", function()
    assert.has_error(function() client:each_auto_ml_job("Completed") end,
      "request parameters must be a table, got string")
    assert.has_error(function() client:each_candidate({ AutoMLJobName = "x" }, { limit = 1.5 }) end,
      "iterator option 'limit' must be a non-negative integer, got 1.5")
  end)
end)
