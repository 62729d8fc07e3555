--- The same API as `sagemaker`, returning `nil, err` instead of raising
-- (the lua-cjson `cjson.safe` convention), for code that prefers checking
-- results, as OpenResty code usually does.
--
--    local sagemaker = require("sagemaker.safe")
--    local client, err = sagemaker.client{ region = "us-east-1" }
--    if not client then return ngx.say(tostring(err)) end
--    local out, err = client:create_auto_ml_job(job)
--    if not out then
--      if err.code == "ResourceInUse" then ... end
--    end
--
-- What comes back as `nil, err`: every lua-sagemaker error object
-- (`sagemaker.is_error(err)` is true: validation, service, network, timeout,
-- credentials, config, waiter errors). What still raises: programming errors,
-- such as a wrong argument type, an unknown operation name or a method called
-- on a closed client. They are bugs to fix, not outcomes to handle, and
-- turning them into return values would let them pass unnoticed.
--
-- Every function of the `sagemaker` module and every method of its clients
-- is wrapped generically, so methods added later (or by other modules, such
-- as `each_auto_ml_job` and `wait_for_auto_ml_job`) are covered too.
-- Iterators: `for item, err in client:each_auto_ml_job(params) do` runs as
-- usual; when a page request fails, the loop gets one last turn with
-- `item == false` and `err` set, then ends.
-- @module sagemaker.safe
local sagemaker = require("sagemaker")

local is_error = sagemaker.is_error
local unpack = rawget(table, "unpack") or rawget(_G, "unpack")

local M = {}

local function pack(...)
  return { n = select("#", ...), ... }
end

-- An iterator function that ends with `false, err` instead of raising.
local function safe_iterator(f)
  local done = false
  return function(...)
    if done then return nil end
    local r = pack(pcall(f, ...))
    if r[1] then
      if r[2] == nil then done = true end
      return unpack(r, 2, r.n)
    end
    done = true
    if is_error(r[2]) then return false, r[2] end
    error(r[2], 0)
  end
end

-- Call f(...): its results, or nil and the error object it raised.
-- `wrap_results` turns results into safe objects (clients, iterators).
local function protect(f, wrap_results, ...)
  local r = pack(pcall(f, ...))
  if not r[1] then
    if is_error(r[2]) then return nil, r[2] end
    error(r[2], 0) -- not ours: a bug in the caller (or in us); keep its message
  end
  if wrap_results then return wrap_results(unpack(r, 2, r.n)) end
  return unpack(r, 2, r.n)
end

local SafeClient = {}
local methods = setmetatable({}, { __mode = "k" }) -- raising method -> safe wrapper

local function wrap_iterators(first, ...)
  if type(first) == "function" then return safe_iterator(first), ... end
  return first, ...
end

SafeClient.__index = function(self, key)
  local client = rawget(self, "_client")
  local f = client[key]
  if type(f) ~= "function" then return f end
  local w = methods[f]
  if not w then
    w = function(safe, ...)
      if getmetatable(safe) ~= SafeClient then
        error(("calling '%s' on bad self (a sagemaker.safe client expected, got %s)")
          :format(tostring(key), type(safe)), 2)
      end
      return protect(f, wrap_iterators, rawget(safe, "_client"), ...)
    end
    methods[f] = w
  end
  return w
end

SafeClient.__tostring = function(self)
  return "sagemaker.safe " .. tostring(rawget(self, "_client"))
end

SafeClient.__close = function(self)
  rawget(self, "_client"):close()
end

--- A safe view of a client made with `require("sagemaker").client`. Both
-- share one connection and configuration; closing either closes both.
-- @tparam sagemaker.Client client
-- @treturn table the safe client
function M.wrap(client)
  if getmetatable(client) ~= sagemaker.Client then
    error("sagemaker.safe.wrap expects a sagemaker client, got " .. type(client), 2)
  end
  return setmetatable({ _client = client }, SafeClient)
end

--- Like `sagemaker.client`, but returns `nil, err` for configuration and
-- credentials errors; the client's methods return `nil, err` too.
-- @tparam[opt] table opts the options of `sagemaker.client`
-- @return the safe client, or nil and an error object
function M.client(opts)
  return protect(sagemaker.client, M.wrap, opts)
end

--- Is `v` a safe client?
function M.is_safe_client(v)
  return getmetatable(v) == SafeClient
end

-- Everything else of the module (validate, is_error, _VERSION, functions
-- added later) is read from `sagemaker`; functions are wrapped.
local wrapped = {}
setmetatable(M, {
  __index = function(_, key)
    local v = sagemaker[key]
    if type(v) ~= "function" then return v end
    local w = wrapped[key]
    if not w then
      w = function(...) return protect(v, nil, ...) end
      wrapped[key] = w
    end
    return w
  end,
})

return M
