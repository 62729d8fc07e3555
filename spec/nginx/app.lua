-- The Lua side of the nginx test server (spec/nginx/nginx.conf.in): each
-- location calls one function here. Answers are JSON objects; a failed call
-- is answered with 200 and { ok = false, error = { kind, code, ... } } so the
-- spec can look at the error object.
local cjson = require("cjson")
local sagemaker = require("sagemaker")
local safe = require("sagemaker.safe")
local transport = require("sagemaker.transport.nginx")
local fixtures = require("fixtures")

local M = {}

local settings       -- from init(): endpoint, tls_endpoint, tls_badname_endpoint, region,
                     -- credentials, parent_pid, pid_file
local shared_client  -- made in init_by_lua, used by every request of the worker

function M.options(extra)
  local o = {
    region = settings.region,
    endpoint = settings.endpoint,
    credentials = settings.credentials,
    max_attempts = 3,
  }
  for k, v in pairs(extra or {}) do o[k] = v end
  return o
end

--- init_by_lua: load the module and make a client; neither may yield.
function M.init(s)
  settings = s
  shared_client = sagemaker.client(M.options())
end

--- init_worker_by_lua: stop nginx once the spec process is gone, so a
-- crashed test run leaves no server behind.
function M.init_worker()
  if not settings.parent_pid then return end
  ngx.timer.every(0.5, function(premature)
    if premature then return end
    local f = io.open("/proc/" .. settings.parent_pid .. "/stat", "r")
    local alive = f ~= nil
    if f then
      alive = not f:read("*a"):match("%)%s+[ZX]")
      f:close()
    end
    if not alive then
      os.execute("kill -QUIT $(cat '" .. settings.pid_file .. "') 2>/dev/null")
    end
  end)
end

local function reply(t)
  ngx.header["Content-Type"] = "application/json"
  ngx.say(cjson.encode(t))
end

local function error_fields(err)
  if not sagemaker.is_error(err) then return { lua_error = tostring(err) } end
  return {
    kind = err.kind, code = err.code, message = err.message, status = err.status,
    request_id = err.request_id, retryable = err.retryable, attempts = err.attempts,
    errors = err.errors, tostring = tostring(err),
  }
end

local function client_for(args)
  if args.client == "shared" then return shared_client end
  local endpoint = args.endpoint == "tls" and settings.tls_endpoint or
    args.endpoint == "tls-badname" and settings.tls_badname_endpoint or nil
  return sagemaker.client(M.options { transport = args.transport, endpoint = endpoint,
    max_attempts = tonumber(args.max_attempts) })
end

-- Create the job named by the query and describe the outcome.
local function create(args)
  local started = ngx.now()
  local ok, out = pcall(function()
    return client_for(args):create_auto_ml_job(fixtures.job(args.name))
  end)
  local t = { phase = ngx.get_phase(), cosockets = transport.can_yield(),
    elapsed = ngx.now() - started }
  if ok then
    t.ok, t.arn = true, out.AutoMLJobArn
    t.metadata = out.ResponseMetadata
  else
    t.ok, t.error = false, error_fields(out)
  end
  return t
end

function M.create()
  reply(create(ngx.req.get_uri_args()))
  if ngx.get_phase() == "rewrite" then ngx.exit(ngx.HTTP_OK) end
end

function M.describe()
  local args = ngx.req.get_uri_args()
  local ok, err = pcall(shared_client.describe_auto_ml_job, shared_client, { AutoMLJobName = args.name })
  reply({ ok = ok, error = not ok and error_fields(err) or nil })
end

function M.safe()
  local args = ngx.req.get_uri_args()
  local client = assert(safe.client(M.options()))
  local first, err1 = client:create_auto_ml_job(fixtures.job(args.name))
  local second, err2 = client:create_auto_ml_job(fixtures.job(args.name))
  local bad, err3 = client:create_auto_ml_job({ AutoMLJobName = args.name })
  local no_client, err4 = safe.client { region = "us-east-1", endpoint = "ftp://x", credentials = settings.credentials }
  reply({
    first = first and first.AutoMLJobArn, first_err = err1 and error_fields(err1),
    second = second ~= nil, second_err = error_fields(err2),
    bad = bad ~= nil, bad_err = error_fields(err3),
    no_client = no_client ~= nil, no_client_err = error_fields(err4),
  })
end

function M.unreachable()
  local client = sagemaker.client(M.options {
    endpoint = "http://127.0.0.1:1", max_attempts = 2, connect_timeout = 1,
  })
  local started = ngx.now()
  local ok, err = pcall(client.describe_auto_ml_job, client, { AutoMLJobName = "x" })
  reply({ ok = ok, error = error_fields(err), elapsed = ngx.now() - started })
end

function M.quota()
  local dict = ngx.shared[transport.shared_dict]
  reply({ tokens = dict:get("retry_quota:" .. settings.endpoint) or cjson.null })
end

local function store(key, t)
  ngx.shared.results:set(key, cjson.encode(t))
end

function M.timer()
  local args = ngx.req.get_uri_args()
  local ok, err = ngx.timer.at(0, function(premature)
    if premature then return end
    store(args.name, create({ name = args.name, client = "shared" }))
  end)
  reply({ scheduled = ok and true or false, error = err })
end

function M.log_phase()
  local args = ngx.req.get_uri_args()
  store(args.name, create(args))
end

function M.result()
  local v = ngx.shared.results:get(ngx.req.get_uri_args().key)
  ngx.header["Content-Type"] = "application/json"
  ngx.say(v or "null")
end

return M
