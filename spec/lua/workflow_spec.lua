-- The four companions of create_auto_ml_job through the client, against the
-- emulator: describe, stop, list jobs, list candidates. Same validation,
-- signing and error objects as create.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local function catch(fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error")
  return err
end

local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(t))
end

describe("the Autopilot workflow through the client", function()
  local emu, client

  setup(function()
    emu = emulator.start { job_duration = 0.6 }
    client = sagemaker.client(emu:client_options { max_attempts = 1 })
  end)

  teardown(function()
    if client then client:close() end
    if emu then emu:stop() end
  end)

  describe("describe_auto_ml_job", function()
    it("returns the job with epoch-number timestamps while it runs", function()
      local arn = client:create_auto_ml_job(fixtures.job("desc-run")).AutoMLJobArn
      local d = client:describe_auto_ml_job { AutoMLJobName = "desc-run" }
      assert.are.equal("desc-run", d.AutoMLJobName)
      assert.are.equal(arn, d.AutoMLJobArn)
      assert.are.equal("InProgress", d.AutoMLJobStatus)
      assert.is_string(d.AutoMLJobSecondaryStatus)
      assert.is_number(d.CreationTime)
      assert.is_number(d.LastModifiedTime)
      assert.is_true(math.abs(d.CreationTime - os.time()) < 120)
      assert.is_nil(d.EndTime)
      assert.are.equal("s3://bucket/train/", d.InputDataConfig[1].DataSource.S3DataSource.S3Uri)
      assert.are.equal(200, d.ResponseMetadata.HTTPStatusCode)
      assert.is_string(d.ResponseMetadata.RequestId)
    end)

    it("returns BestCandidate with its objective metric once the job completed", function()
      client:create_auto_ml_job(fixtures.job("desc-done"))
      client:wait_for_auto_ml_job("desc-done", { interval = 0.1, timeout = 20 })
      local d = client:describe_auto_ml_job { AutoMLJobName = "desc-done" }
      assert.are.equal("Completed", d.AutoMLJobStatus)
      assert.is_number(d.EndTime)
      assert.is_true(d.EndTime >= d.CreationTime)
      local m = d.BestCandidate.FinalAutoMLJobObjectiveMetric
      assert.are.equal("F1", m.MetricName)
      assert.are.equal("Maximize", m.Type)
      assert.is_number(m.Value)
      assert.are.equal("F1", d.ResolvedAttributes.AutoMLJobObjective.MetricName)
      assert.is_number(d.BestCandidate.CreationTime)
    end)

    it("gives a failing job's FailureReason", function()
      client:create_auto_ml_job(fixtures.job("fail-desc"))
      local err = catch(client.wait_for_auto_ml_job, client, "fail-desc", { interval = 0.1, timeout = 20 })
      assert.are.equal("AutoMLJobFailed", err.code)
      local d = client:describe_auto_ml_job { AutoMLJobName = "fail-desc" }
      assert.are.equal("Failed", d.AutoMLJobStatus)
      assert.matches("ClientError", d.FailureReason)
    end)
  end)

  describe("stop_auto_ml_job", function()
    it("takes a running job to Stopping, then Stopped", function()
      client:create_auto_ml_job(fixtures.job("stop-me"))
      local out = client:stop_auto_ml_job { AutoMLJobName = "stop-me" }
      assert.are.equal(200, out.ResponseMetadata.HTTPStatusCode)
      assert.are.equal("Stopping", client:describe_auto_ml_job { AutoMLJobName = "stop-me" }.AutoMLJobStatus)
      local err = catch(client.wait_for_auto_ml_job, client, "stop-me", { interval = 0.05, timeout = 20 })
      assert.are.equal("AutoMLJobStopped", err.code)
      assert.are.equal("Stopped", client:describe_auto_ml_job { AutoMLJobName = "stop-me" }.AutoMLJobStatus)
    end)
  end)

  describe("ResourceNotFound", function()
    it("is raised with err.code by describe, stop and list candidates for an unknown job", function()
      for _, call in ipairs({
        function() return client:describe_auto_ml_job { AutoMLJobName = "ghost" } end,
        function() return client:stop_auto_ml_job { AutoMLJobName = "ghost" } end,
        function() return client:list_candidates_for_auto_ml_job { AutoMLJobName = "ghost" } end,
      }) do
        local err = catch(call)
        assert.is_true(sagemaker.is_error(err))
        assert.are.equal("service", err.kind)
        assert.are.equal("ResourceNotFound", err.code)
        assert.are.equal(400, err.status)
        assert.is_false(err.retryable)
        assert.is_string(err.request_id)
        assert.matches("ghost", err.message)
      end
    end)
  end)

  describe("list_auto_ml_jobs", function()
    before_each(function()
      emu:reset()   -- these tests count jobs
      for _, n in ipairs({ "alpha", "beta", "gamma" }) do client:create_auto_ml_job(fixtures.job("list-" .. n)) end
      client:create_auto_ml_job(fixtures.job("fail-list"))
    end)

    it("lists summaries with numbers for timestamps, sorted and filtered", function()
      local out = client:list_auto_ml_jobs { SortBy = "Name", SortOrder = "Ascending" }
      local names = {}
      for i, s in ipairs(out.AutoMLJobSummaries) do
        names[i] = s.AutoMLJobName
        assert.is_number(s.CreationTime)
        assert.is_number(s.LastModifiedTime)
      end
      assert.are.same({ "fail-list", "list-alpha", "list-beta", "list-gamma" }, names)
      assert.is_nil(out.NextToken)
      local some = client:list_auto_ml_jobs { NameContains = "BETA" }
      assert.are.equal(1, #some.AutoMLJobSummaries)
      assert.are.equal("list-beta", some.AutoMLJobSummaries[1].AutoMLJobName)
    end)

    it("pages with MaxResults and NextToken", function()
      local first = client:list_auto_ml_jobs { MaxResults = 3 }
      assert.are.equal(3, #first.AutoMLJobSummaries)
      assert.is_string(first.NextToken)
      local second = client:list_auto_ml_jobs { MaxResults = 3, NextToken = first.NextToken }
      assert.are.equal(1, #second.AutoMLJobSummaries)
      assert.is_nil(second.NextToken)
    end)

    it("filters by StatusEquals", function()
      client:wait_for_auto_ml_job("list-gamma", { interval = 0.1, timeout = 20 })
      local failed = client:list_auto_ml_jobs { StatusEquals = "Failed" }
      assert.are.equal(1, #failed.AutoMLJobSummaries)
      assert.are.equal("fail-list", failed.AutoMLJobSummaries[1].AutoMLJobName)
      assert.is_string(failed.AutoMLJobSummaries[1].FailureReason)
      assert.are.equal(3, #client:list_auto_ml_jobs { StatusEquals = "Completed" }.AutoMLJobSummaries)
    end)

    it("accepts request timestamps as numbers and as ISO 8601 strings", function()
      local now = os.time()
      local cases = {
        { { CreationTimeAfter = now - 3600 }, 4 },
        { { CreationTimeAfter = iso(now - 3600) }, 4 },
        { { CreationTimeBefore = iso(now - 3600) }, 0 },
        { { CreationTimeBefore = now - 3600 }, 0 },
        { { CreationTimeAfter = "2020-01-01T00:00:00Z", LastModifiedTimeBefore = iso(now + 3600) }, 4 },
        { { CreationTimeAfter = now + 3600 }, 0 },
      }
      for i, case in ipairs(cases) do
        local out = client:list_auto_ml_jobs(case[1])
        assert.are.equal(case[2], #out.AutoMLJobSummaries, "case " .. i)
      end
    end)

    it("rejects bad requests locally with paths", function()
      local err = catch(client.list_auto_ml_jobs, client,
        { MaxResults = 0, StatusEquals = "Done", CreationTimeAfter = "yesterday", SortBy = "Nmae" })
      assert.are.equal("validation", err.kind)
      local paths = {}
      for i, e in ipairs(err.errors) do paths[i] = e.path end
      assert.are.same({ "CreationTimeAfter", "MaxResults", "SortBy", "StatusEquals" }, paths)
    end)
  end)

  describe("list_candidates_for_auto_ml_job", function()
    it("lists a completed job's candidates with metrics, sortable by objective", function()
      client:create_auto_ml_job(fixtures.job("cands"))
      client:wait_for_auto_ml_job("cands", { interval = 0.1, timeout = 20 })
      local out = client:list_candidates_for_auto_ml_job { AutoMLJobName = "cands", MaxResults = 100 }
      assert.are.equal(10, #out.Candidates)
      for _, c in ipairs(out.Candidates) do
        assert.are.equal("Completed", c.CandidateStatus)
        assert.is_number(c.CreationTime)
        assert.is_number(c.FinalAutoMLJobObjectiveMetric.Value)
        assert.is_true(#c.CandidateSteps > 0)
      end
      local sorted = client:list_candidates_for_auto_ml_job { AutoMLJobName = "cands",
        SortBy = "FinalObjectiveMetricValue", SortOrder = "Descending", MaxResults = 1 }
      assert.are.equal(1, #sorted.Candidates)
      assert.is_string(sorted.NextToken)
      local best = client:describe_auto_ml_job { AutoMLJobName = "cands" }.BestCandidate
      assert.are.equal(best.CandidateName, sorted.Candidates[1].CandidateName)
    end)

    it("requires AutoMLJobName, locally", function()
      local err = catch(client.list_candidates_for_auto_ml_job, client, {})
      assert.are.equal("validation", err.kind)
      assert.are.equal("AutoMLJobName", err.errors[1].path)
      assert.are.equal(0, err.attempts)
    end)
  end)
end)
