--- Client options: names, types and checks for `sagemaker.client{...}`.
-- Unknown option names are errors with a "did you mean" hint; wrong types
-- raise at the caller. Resolution from the environment and the shared
-- files (region, profile, credentials, endpoint, FIPS / dual-stack, CA
-- bundle) happens in the C core, as the AWS CLI does it (see the README's
-- "Credentials, region and endpoints").
-- @module sagemaker.config
local errors = require("sagemaker.error")

local M = {}

-- option name -> expected Lua type
local OPTIONS = {
  region = "string", profile = "string", credentials = "table", endpoint = "string",
  use_fips = "boolean", use_dualstack = "boolean", allow_http = "boolean",
  connect_timeout = "number", read_timeout = "number", deadline = "number",
  max_attempts = "number", retry_mode = "string", ca_bundle = "string",
  validate = "boolean", logger = "function", transport = "string",
  max_response_bytes = "number", config_file = "string", credentials_file = "string",
  -- hooks for tests and hosts with their own clock: random() in [0,1),
  -- sleep(seconds), clock() -> epoch seconds
  random = "function", sleep = "function", clock = "function",
}

local CREDENTIAL_FIELDS = { access_key_id = true, secret_access_key = true, session_token = true }

local function distance(a, b)
  a, b = a:lower(), b:lower()
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

--- Closest name in `names` (a set) to `name`, or nil when none is close.
function M.suggest(name, names)
  local best, best_d
  for candidate in pairs(names) do
    local d = distance(name, candidate)
    if d <= math.max(1, math.floor(#candidate / 3)) and (not best_d or d < best_d or
        (d == best_d and candidate < best)) then
      best, best_d = candidate, d
    end
  end
  return best
end

local function config_error(message)
  error(errors.new { kind = "config", code = "InvalidConfiguration", message = message }, 3)
end

--- Check `opts` and flatten it into the table `sagemaker.core.client_new` takes.
-- @tparam table opts the user's options
-- @treturn table core configuration
function M.to_core(opts)
  for k, v in pairs(opts) do
    local want = OPTIONS[k]
    if not want then
      local hint = type(k) == "string" and M.suggest(k, OPTIONS)
      config_error(("unknown client option '%s'%s"):format(tostring(k),
        hint and (" (did you mean '" .. hint .. "'?)") or ""))
    end
    if type(v) ~= want then
      config_error(("client option '%s' must be a %s, got %s"):format(k, want, type(v)))
    end
    if want == "string" and v:find("\0", 1, true) then
      config_error(("client option '%s' must not contain NUL bytes"):format(k))
    end
  end
  if opts.transport and opts.transport ~= "auto" and opts.transport ~= "curl" and opts.transport ~= "nginx" then
    config_error("client option 'transport' must be \"auto\", \"curl\" or \"nginx\", got \"" ..
      opts.transport .. "\"")
  end
  if opts.deadline and (opts.deadline ~= opts.deadline or opts.deadline <= 0) then -- NaN too
    config_error("client option 'deadline' must be a number of seconds above 0")
  end
  if opts.profile == "" then
    config_error("client option 'profile' must not be empty")
  end
  local core = {
    region = opts.region, profile = opts.profile, config_file = opts.config_file,
    credentials_file = opts.credentials_file, endpoint = opts.endpoint, use_fips = opts.use_fips,
    use_dualstack = opts.use_dualstack, allow_http = opts.allow_http,
    connect_timeout = opts.connect_timeout, read_timeout = opts.read_timeout,
    max_attempts = opts.max_attempts, ca_bundle = opts.ca_bundle, validate = opts.validate,
    max_response_bytes = opts.max_response_bytes, retry_mode = opts.retry_mode, deadline = opts.deadline,
    logger = opts.logger, random = opts.random, sleep = opts.sleep, clock = opts.clock,
  }
  local creds = opts.credentials
  if creds then
    for k, v in pairs(creds) do
      if not CREDENTIAL_FIELDS[k] then
        local hint = type(k) == "string" and M.suggest(k, CREDENTIAL_FIELDS)
        config_error(("unknown credentials field '%s'%s"):format(tostring(k),
          hint and (" (did you mean '" .. hint .. "'?)") or ""))
      end
      if type(v) ~= "string" then
        config_error(("credentials field '%s' must be a string, got %s"):format(k, type(v)))
      end
      if v:find("[%z\r\n]") then -- never echo the value: it may be a secret
        error(errors.new { kind = "credentials", code = "InvalidCredentials",
          message = ("credentials field '%s' must not contain NUL, CR or LF"):format(k) }, 2)
      end
    end
    if not creds.access_key_id or not creds.secret_access_key then
      error(errors.new { kind = "credentials", code = "InvalidCredentials",
        message = "credentials need both access_key_id and secret_access_key" }, 2)
    end
    core.access_key_id = creds.access_key_id
    core.secret_access_key = creds.secret_access_key
    core.session_token = creds.session_token
  end
  return core
end

return M
