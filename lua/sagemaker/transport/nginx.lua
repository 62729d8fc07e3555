--- OpenResty transport: send requests through nginx cosockets, without
-- blocking the worker.
--
-- The C core still does all the protocol work: `build_request` validates,
-- encodes and signs; `parse_response` turns the answer into the result table
-- or the error object, exactly as a libcurl call would. This module only
-- moves bytes: a small HTTP/1.1 client over `ngx.socket.tcp` (TLS with SNI
-- and certificate verification, Content-Length and chunked bodies,
-- keep-alive through the cosocket pool) and the retry loop of the AWS
-- "standard" mode, sleeping with `ngx.sleep`.
--
-- `sagemaker.client{ transport = ... }` chooses:
--
--   "auto" (default)  this transport when running inside nginx in a phase
--                     where cosockets work (rewrite, access, content, timer,
--                     ssl_cert, ssl_session_fetch, ssl_client_hello), libcurl
--                     otherwise (init_by_lua, init_worker, set, log, header
--                     and body filters, plain Lua);
--   "nginx"           this transport; calling from a phase without cosockets
--                     raises a config error instead of blocking;
--   "curl"            libcurl always (blocks the nginx worker during the call).
--
-- nginx.conf needs `resolver` for host names (AWS endpoints), and for https
-- `lua_ssl_trusted_certificate` plus `lua_ssl_verify_depth` (the client
-- option `ca_bundle` applies to libcurl only). The certificate must name the
-- endpoint's host. With `lua_shared_dict sagemaker 1m;` the retry
-- quota is shared by all workers (per endpoint); without it each client has
-- its own, as with libcurl. Nothing here yields or touches the network when
-- the module is loaded or a client is created, so both are fine in
-- init_by_lua.
-- @module sagemaker.transport.nginx
local errors = require("sagemaker.error")

local M = {}

--- Phases in which cosockets and ngx.sleep are available.
M.YIELDABLE_PHASES = {
  rewrite = true, access = true, content = true, timer = true,
  ssl_cert = true, ssl_session_fetch = true, ssl_client_hello = true,
}

--- Name of the `lua_shared_dict` used for the retry quota when nginx.conf
-- declares it (set to nil to never share).
M.shared_dict = "sagemaker"

-- AWS standard retry mode (the numbers of src/client/retry.h).
local QUOTA_INITIAL, RETRY_COST, TIMEOUT_COST, NO_RETRY_REFUND = 500, 5, 10, 1
local MAX_BACKOFF = 20
local MAX_HEADER_LINES, MAX_LINE = 200, 16384

local DEFAULTS = {
  connect_timeout = 5, read_timeout = 60, max_attempts = 3,
  max_response_bytes = 16 * 1024 * 1024,
}

local function ngx_api()
  local ngx = rawget(_G, "ngx")
  if type(ngx) == "table" and type(ngx.get_phase) == "function" then return ngx end
  return nil
end

--- True when running inside nginx (ngx_lua / OpenResty).
function M.in_nginx()
  return ngx_api() ~= nil
end

--- True when the current nginx phase allows cosockets.
function M.can_yield()
  local ngx = ngx_api()
  return ngx ~= nil and M.YIELDABLE_PHASES[ngx.get_phase()] == true
end

local function fail(kind, code, message, retryable)
  return errors.new { kind = kind, code = code, message = message, retryable = retryable or false }
end

---------------------------------------------------------------------------
-- HTTP/1.1 over a cosocket

local function parse_url(url)
  local scheme, rest = url:match("^(%a[%w+.-]*)://(.*)$")
  if not scheme then return nil end
  scheme = scheme:lower()
  local authority, path = rest:match("^([^/?#]*)(.*)$")
  local host, port = authority:match("^%[([^%]]+)%]:?(%d*)$") -- [IPv6]:port
  if not host then host, port = authority:match("^([^:]+):?(%d*)$") end
  if not host or host == "" then return nil end
  port = tonumber(port) or (scheme == "https" and 443 or 80)
  if path == "" then path = "/" end
  return { scheme = scheme, host = host, port = port, path = path }
end
M.parse_url = parse_url

-- Header names in a stable order: Host first, then sorted.
local function header_lines(headers, body_len)
  local names = {}
  for name in pairs(headers) do
    if name:lower() ~= "host" and name:lower() ~= "content-length" then names[#names + 1] = name end
  end
  table.sort(names)
  local out = {}
  for name, value in pairs(headers) do
    if name:lower() == "host" then out[1] = "Host: " .. value .. "\r\n" end
  end
  for _, name in ipairs(names) do out[#out + 1] = name .. ": " .. headers[name] .. "\r\n" end
  out[#out + 1] = "Content-Length: " .. body_len .. "\r\n\r\n"
  return out
end

-- Reads from `sock` with the time left before `deadline` (ngx.now() based).
local function reader(ngx, sock, connect_ms, deadline)
  return function(pattern)
    local left = math.floor((deadline - ngx.now()) * 1000)
    if left < 1 then return nil, "timeout" end
    sock:settimeouts(connect_ms, left, left)
    return sock:receive(pattern)
  end
end

local function io_error(what, err)
  if err == "timeout" then
    return fail("timeout", "RequestTimeout", "request timed out while " .. what, true)
  end
  return fail("network", "NetworkError", what .. " failed: " .. tostring(err), true)
end

-- Read the status line and headers. Returns status, headers (lower-case
-- names; repeated headers joined with ", "), http minor version; or nil, an
-- error object, and "closed" when the connection closed before any byte.
local function read_head(read)
  local line, err, partial = read("*l")
  if not line then
    return nil, io_error("reading the response", err), err == "closed" and (partial or "") == "" and "closed"
  end
  local minor, status = line:match("^HTTP/1%.(%d) (%d%d%d)")
  if not status then
    return nil, fail("network", "NetworkError", "malformed HTTP status line from the server")
  end
  local headers = {}
  for _ = 1, MAX_HEADER_LINES do
    line, err = read("*l")
    if not line then return nil, io_error("reading the response headers", err) end
    if line == "" then return tonumber(status), headers, tonumber(minor) end
    if #line > MAX_LINE then
      return nil, fail("network", "NetworkError", "response header line too long")
    end
    local name, value = line:match("^([^:%s]+)%s*:%s*(.-)%s*$")
    if name then
      name = name:lower()
      headers[name] = headers[name] and (headers[name] .. ", " .. value) or value
    end
  end
  return nil, fail("network", "NetworkError", "too many response header lines")
end

local function too_large(limit)
  return fail("network", "ResponseTooLarge",
    ("response body exceeds the limit of %d bytes"):format(limit))
end

local function read_chunked(read, limit)
  local parts, total = {}, 0
  while true do
    local line, err = read("*l")
    if not line then return nil, io_error("reading a chunk", err) end
    local size = tonumber(line:match("^%s*(%x+)") or "", 16)
    if not size then return nil, fail("network", "NetworkError", "malformed chunk size") end
    if size == 0 then
      for _ = 1, MAX_HEADER_LINES do -- trailers, up to the empty line
        line, err = read("*l")
        if not line then return nil, io_error("reading the trailers", err) end
        if line == "" then return table.concat(parts) end
      end
      return nil, fail("network", "NetworkError", "too many trailer lines")
    end
    total = total + size
    if total > limit then return nil, too_large(limit) end
    local data
    data, err = read(size)
    if not data then return nil, io_error("reading a chunk", err) end
    parts[#parts + 1] = data
    line, err = read("*l")
    if line ~= "" then return nil, io_error("reading a chunk", err or "missing CRLF") end
  end
end

-- No framing: the body runs to the end of the connection.
local function read_to_close(read, limit)
  local parts, total = {}, 0
  while true do
    local data, err, partial = read(8192)
    data = data or partial
    if data and data ~= "" then
      total = total + #data
      if total > limit then return nil, too_large(limit) end
      parts[#parts + 1] = data
    end
    if err == "closed" then return table.concat(parts) end
    if err then return nil, io_error("reading the response", err) end
  end
end

-- One exchange on one connection: status, headers, body; or nil, error
-- object, and true when a reused connection was found closed before
-- anything was read.
local function send_once(ngx, req, opts)
  local u = parse_url(req.url)
  if not u or (u.scheme ~= "http" and u.scheme ~= "https") then
    return nil, fail("config", "InvalidConfiguration", "cannot send to URL " .. tostring(req.url))
  end
  local limit = opts.max_response_bytes or DEFAULTS.max_response_bytes
  local read_timeout = opts.read_timeout or DEFAULTS.read_timeout
  local connect_ms = math.ceil((opts.connect_timeout or DEFAULTS.connect_timeout) * 1000)
  local sock = ngx.socket.tcp()
  sock:settimeouts(connect_ms, math.ceil(read_timeout * 1000), math.ceil(read_timeout * 1000))
  local pool = u.scheme .. "://" .. u.host .. ":" .. u.port
  local ok, err = sock:connect(u.host, u.port, { pool = pool })
  local reused = ok and (sock:getreusedtimes() or 0) > 0
  if not ok then
    if err and err:find("no resolver", 1, true) then
      return nil, fail("config", "InvalidConfiguration", "cannot resolve " .. u.host ..
        ": nginx.conf needs a `resolver` directive (" .. err .. ")")
    end
    return nil, io_error("connecting to " .. u.host .. ":" .. u.port, err)
  end
  local deadline = ngx.now() + read_timeout
  if u.scheme == "https" and not reused then
    -- SNI and the certificate's name checked against the endpoint's host
    ok, err = sock:sslhandshake(false, u.host, true)
    if not ok then
      sock:close()
      if err == "timeout" then return nil, io_error("the TLS handshake", err) end
      -- certificate problems are not worth retrying (as with libcurl)
      local hint = ""
      if tostring(err):find("host mismatch", 1, true) then
        hint = " (the certificate does not name " .. u.host .. ")"
      elseif tostring(err):find("certificate", 1, true) or tostring(err):find("verify", 1, true) then
        hint = " (check lua_ssl_trusted_certificate and lua_ssl_verify_depth in nginx.conf)"
      end
      return nil, fail("network", "NetworkError", "TLS handshake with " .. u.host .. " failed: " ..
        tostring(err) .. hint, false)
    end
  end

  local body = req.body or ""
  local lines = header_lines(req.headers or {}, #body)
  table.insert(lines, 1, (req.method or "POST") .. " " .. u.path .. " HTTP/1.1\r\n")
  lines[#lines + 1] = body
  local sent
  sent, err = sock:send(lines)
  if not sent then
    sock:close()
    return nil, io_error("sending the request", err), reused
  end

  local read = reader(ngx, sock, connect_ms, deadline)
  local status, headers, minor
  repeat -- skip interim 1xx answers
    local first = status == nil
    status, headers, minor = read_head(read)
    if not status then
      sock:close()
      -- a pooled connection the server closed while idle: nothing was read
      return nil, headers, first and reused and minor == "closed"
    end
  until status >= 200

  local data, reusable
  local te, cl = headers["transfer-encoding"], headers["content-length"]
  if status == 204 or status == 304 or req.method == "HEAD" then
    data, reusable = "", true
  elseif te and te:lower():find("chunked", 1, true) then
    data, err = read_chunked(read, limit)
    reusable = true
  elseif cl then
    local n = tonumber(cl:match("^%d+$") or "")
    if not n then
      sock:close()
      return nil, fail("network", "NetworkError", "malformed Content-Length from the server")
    end
    if n > limit then
      sock:close()
      return nil, too_large(limit)
    end
    if n == 0 then data = "" else data, err = read(n) end
    if not data then err = io_error("reading the response body", err) end
    reusable = true
  else
    data, err = read_to_close(read, limit)
    reusable = false
  end
  if not data then
    sock:close()
    return nil, err
  end
  local conn = (headers["connection"] or ""):lower()
  if minor == 0 then reusable = reusable and conn:find("keep-alive", 1, true) ~= nil
  else reusable = reusable and not conn:find("close", 1, true) end
  -- lua_socket_keepalive_timeout and lua_socket_pool_size apply
  if not (reusable and sock:setkeepalive()) then sock:close() end
  return status, headers, data
end

--- Send one HTTP request and read the answer (one attempt, no retries). A
-- pooled connection that turns out closed before anything was read is
-- replaced by a new one once, without counting as an attempt (as libcurl does).
-- @tparam table req `{ method =, url =, headers = { name = value }, body = }`
--   (as `client:build_request` returns it)
-- @tparam table opts `connect_timeout`, `read_timeout` (seconds), `max_response_bytes`
-- @return status, headers (lower-case names), body; or nil and an error object
function M.request(req, opts)
  local ngx = assert(ngx_api(), "sagemaker.transport.nginx: not running inside nginx")
  local status, headers, body = send_once(ngx, req, opts)
  if status == nil and body == true then
    status, headers, body = send_once(ngx, req, opts)
  end
  if status == nil then return nil, headers end
  return status, headers, body
end

---------------------------------------------------------------------------
-- Retry quota: per client, or per endpoint in a shared dict

local LocalQuota = {}
LocalQuota.__index = LocalQuota

function LocalQuota:acquire(cost)
  if self.tokens < cost then return false end
  self.tokens = self.tokens - cost
  return true
end

function LocalQuota:release(amount)
  self.tokens = math.min(QUOTA_INITIAL, self.tokens + amount)
end

local SharedQuota = {}
SharedQuota.__index = SharedQuota

function SharedQuota:acquire(cost)
  local left = self.dict:incr(self.key, -cost, QUOTA_INITIAL)
  if not left then return self.fallback:acquire(cost) end -- dict full: keep going locally
  if left < 0 then
    self.dict:incr(self.key, cost)
    return false
  end
  return true
end

function SharedQuota:release(amount)
  local now = self.dict:incr(self.key, amount, QUOTA_INITIAL - amount)
  if now and now > QUOTA_INITIAL then self.dict:incr(self.key, QUOTA_INITIAL - now) end
end

local function quota_for(settings)
  local ngx = ngx_api()
  local dict = ngx and M.shared_dict and ngx.shared and ngx.shared[M.shared_dict]
  if dict then
    return setmetatable({ dict = dict, key = "retry_quota:" .. settings.endpoint,
      fallback = settings.quota }, SharedQuota)
  end
  return settings.quota
end

---------------------------------------------------------------------------
-- Clients

local Settings = {}
Settings.__index = Settings

--- Settings of one client for this transport (made by `sagemaker.client`).
-- @tparam table opts the client's options
-- @tparam string endpoint the client's endpoint URL
function M.new(opts, endpoint)
  if opts.transport == "nginx" and not M.in_nginx() then
    error(fail("config", "InvalidConfiguration", "transport \"nginx\" works only inside nginx " ..
      "(OpenResty or ngx_lua); use \"auto\" or \"curl\""))
  end
  local s = setmetatable({ transport = opts.transport or "auto", endpoint = endpoint,
    quota = setmetatable({ tokens = QUOTA_INITIAL }, LocalQuota) }, Settings)
  for k, v in pairs(DEFAULTS) do s[k] = opts[k] or v end
  s.random = opts.random -- a test hook when the client options have one
  s.max_attempts = math.floor(s.max_attempts)
  return s
end

--- Whether a call made now goes through cosockets. Raises a config error for
-- transport "nginx" in a phase without cosockets.
function Settings:selected()
  if self.transport == "curl" then return false end
  if M.can_yield() then return true end
  if self.transport == "nginx" then
    local ngx = ngx_api()
    error(fail("config", "InvalidConfiguration", "transport \"nginx\" needs a phase where cosockets " ..
      "are allowed (rewrite, access, content, timer, ...); this is " ..
      (ngx and ngx.get_phase() or "not nginx") .. ". Use transport \"auto\" to fall back to libcurl"))
  end
  return false
end

--- Run one operation: build and sign in the core, send here, parse in the
-- core; retry throttling and transient failures with full-jitter backoff.
-- Returns what `client:call` returns; raises the same error objects.
-- @param core the client's `sagemaker.core` userdata
-- @tparam string operation e.g. "CreateAutoMLJob"
-- @tparam table params request parameters
function Settings:call(core, operation, params)
  local ngx = ngx_api()
  local quota = quota_for(self)
  local last_cost = nil
  for attempt = 1, self.max_attempts do
    local req = core:build_request(operation, params)
    local status, headers, body = M.request(req, self)
    local err, cost
    if status then
      local ok, res = pcall(core.parse_response, core, operation, status, headers, body, attempt)
      if ok then
        quota:release(last_cost or NO_RETRY_REFUND)
        return res
      end
      if not errors.is_error(res) then error(res, 0) end
      err, cost = res, RETRY_COST
    else
      err = headers
      err.attempts = attempt
      cost = err.kind == "timeout" and TIMEOUT_COST or RETRY_COST
    end
    if not err.retryable or attempt >= self.max_attempts or not quota:acquire(cost) then
      error(err)
    end
    last_cost = cost
    local r = type(self.random) == "function" and self.random() or math.random()
    ngx.sleep(r * math.min(2 ^ (attempt - 1), MAX_BACKOFF))
  end
end

return M
