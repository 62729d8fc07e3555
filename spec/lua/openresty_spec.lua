-- OpenResty: the cosocket transport (lua/sagemaker/transport/nginx.lua) and
-- client:parse_response.
--
-- Part 1 runs everywhere: a scripted fake `ngx` (sockets that answer from a
-- script) drives the transport's HTTP/1.1 client and retry loop, with the
-- real C core building, signing and parsing.
-- Part 2 starts Debian's nginx with libnginx-mod-http-lua (LuaJIT) on
-- 127.0.0.1 with a generated nginx.conf (spec/nginx/) and creates jobs on the
-- emulator through it, including 50 concurrent requests on one worker
-- against answers delayed by 300 ms. It says SKIP loudly when nginx or the
-- Lua module is missing.
local sagemaker = require("sagemaker")
local transport = require("sagemaker.transport.nginx")
local cjson = require("cjson")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local ENDPOINT = "http://127.0.0.1:4566"

local function new_client(extra)
  local o = { region = "us-east-1", endpoint = ENDPOINT, credentials = fixtures.credentials }
  for k, v in pairs(extra or {}) do o[k] = v end
  return sagemaker.client(o)
end

local function raised(f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return err
end

---------------------------------------------------------------------------
-- A fake ngx: each connection takes the next entry of `script`:
--   { response = "HTTP/1.1 ...", connect_err = "...", handshake_err = "...",
--     timeout_after = n (receive times out once n bytes were read), reused = n }
local function fake_ngx(script, phase)
  local log = { sleeps = {}, connections = {} }
  local clock = 1000
  local ngx = {
    log = log,
    phase = phase or "content",
    shared = {},
  }
  function ngx.get_phase() return ngx.phase end
  function ngx.now() return clock end
  function ngx.sleep(s)
    log.sleeps[#log.sleeps + 1] = s
    clock = clock + s
  end
  ngx.socket = {}
  function ngx.socket.tcp()
    local entry = table.remove(script, 1) or { connect_err = "script exhausted" }
    local conn = { sent = {}, entry = entry, pos = 1, data = entry.response or "", state = "new" }
    log.connections[#log.connections + 1] = conn
    local sock = {}
    function sock.settimeouts(_, c, s, r) conn.timeouts = { c, s, r } end
    function sock.connect(_, host, port, opts)
      conn.host, conn.port, conn.pool = host, port, opts and opts.pool
      if entry.connect_err then return nil, entry.connect_err end
      conn.state = "connected"
      return 1
    end
    function sock.getreusedtimes() return entry.reused or 0 end
    function sock.sslhandshake(_, session, server_name, verify)
      conn.tls = { session = session, server_name = server_name, verify = verify }
      if entry.handshake_err then return nil, entry.handshake_err end
      return true
    end
    function sock.send(_, data)
      conn.sent[#conn.sent + 1] = type(data) == "table" and table.concat(data) or data
      return 1
    end
    function sock.receive(_, pattern)
      if entry.timeout_after and conn.pos > entry.timeout_after then return nil, "timeout" end
      local rest = conn.data:sub(conn.pos)
      if pattern == "*l" then
        local line, after = rest:match("^(.-)\r?\n()")
        if not line then
          conn.pos = #conn.data + 1
          return nil, "closed", rest
        end
        conn.pos = conn.pos + after - 1
        return line
      end
      if #rest < pattern then
        conn.pos = #conn.data + 1
        return nil, "closed", rest
      end
      conn.pos = conn.pos + pattern
      return rest:sub(1, pattern)
    end
    function sock.setkeepalive() conn.state = "keepalive"; return 1 end
    function sock.close() conn.state = "closed"; return 1 end
    return sock
  end
  return ngx
end

local function with_ngx(ngx, f)
  local saved = rawget(_G, "ngx")
  rawset(_G, "ngx", ngx)
  local ok, a, b, c = pcall(f)
  rawset(_G, "ngx", saved)
  if not ok then error(a, 0) end
  return a, b, c
end

local function http(status_line, headers, body)
  local lines = { status_line }
  for _, h in ipairs(headers or {}) do lines[#lines + 1] = h end
  return table.concat(lines, "\r\n") .. "\r\n\r\n" .. (body or "")
end

local function json_response(status, body, extra)
  local headers = { "Content-Type: application/x-amz-json-1.1", "x-amzn-RequestId: rid-" .. status,
    "Content-Length: " .. #body }
  for _, h in ipairs(extra or {}) do headers[#headers + 1] = h end
  return http("HTTP/1.1 " .. status .. " X", headers, body)
end

local REQ = { method = "POST", url = "http://127.0.0.1:4566", body = "{}",
  headers = { Host = "127.0.0.1:4566", ["X-Amz-Target"] = "SageMaker.X", Authorization = "AWS4 ..." } }
local OPTS = { connect_timeout = 1, read_timeout = 5, max_response_bytes = 1024 }

describe("transport nginx: HTTP/1.1 over cosockets", function()
  it("sends the signed request and reads a Content-Length answer, keeping the connection", function()
    local ngx = fake_ngx { { response = json_response(200, '{"a":1}') } }
    local status, headers, body = with_ngx(ngx, function() return transport.request(REQ, OPTS) end)
    assert.equal(200, status)
    assert.equal('{"a":1}', body)
    assert.equal("rid-200", headers["x-amzn-requestid"])
    local conn = ngx.log.connections[1]
    assert.equal("127.0.0.1", conn.host)
    assert.equal(4566, conn.port)
    assert.equal("http://127.0.0.1:4566", conn.pool)
    assert.equal("keepalive", conn.state)
    local sent = conn.sent[1]
    assert.truthy(sent:find("^POST / HTTP/1%.1\r\nHost: 127%.0%.0%.1:4566\r\n"))
    assert.truthy(sent:find("\r\nAuthorization: AWS4 %.%.%.\r\n"))
    assert.truthy(sent:find("\r\nX%-Amz%-Target: SageMaker%.X\r\n"))
    assert.truthy(sent:find("\r\nContent%-Length: 2\r\n\r\n{}$"))
    assert.same({ 1000, 5000, 5000 }, conn.timeouts)
  end)

  it("reads chunked bodies (extensions and trailers included)", function()
    local body = "4;ext=1\r\n{\"a\"\r\n3\r\n:12\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n"
    local ngx = fake_ngx { { response = http("HTTP/1.1 200 OK", { "Transfer-Encoding: chunked" }, body) } }
    local status, _, data = with_ngx(ngx, function() return transport.request(REQ, OPTS) end)
    assert.equal(200, status)
    assert.equal('{"a":12}', data)
    assert.equal("keepalive", ngx.log.connections[1].state)
  end)

  it("reads to the end of the connection without framing, then closes", function()
    local ngx = fake_ngx { { response = http("HTTP/1.1 200 OK", { "Connection: close" }, '{"b":2}') } }
    local status, _, data = with_ngx(ngx, function() return transport.request(REQ, OPTS) end)
    assert.equal(200, status)
    assert.equal('{"b":2}', data)
    assert.equal("closed", ngx.log.connections[1].state)
  end)

  it("closes after Connection: close and after HTTP/1.0 without keep-alive", function()
    local ngx = fake_ngx {
      { response = json_response(200, "{}", { "Connection: close" }) },
      { response = http("HTTP/1.0 200 OK", { "Content-Length: 2" }, "{}") },
      { response = http("HTTP/1.0 200 OK", { "Content-Length: 2", "Connection: Keep-Alive" }, "{}") },
    }
    with_ngx(ngx, function()
      for _ = 1, 3 do assert.equal(200, (transport.request(REQ, OPTS))) end
    end)
    assert.equal("closed", ngx.log.connections[1].state)
    assert.equal("closed", ngx.log.connections[2].state)
    assert.equal("keepalive", ngx.log.connections[3].state)
  end)

  it("skips interim 1xx answers", function()
    local ngx = fake_ngx { { response = "HTTP/1.1 100 Continue\r\n\r\n" .. json_response(200, "{}") } }
    local status = with_ngx(ngx, function() return transport.request(REQ, OPTS) end)
    assert.equal(200, status)
  end)

  it("refuses bodies over max_response_bytes, framed either way", function()
    local big = string.rep("x", 2000)
    local ngx = fake_ngx {
      { response = json_response(200, big) },
      { response = http("HTTP/1.1 200 OK", { "Transfer-Encoding: chunked" }, "7d0\r\n" .. big .. "\r\n0\r\n\r\n") },
      { response = http("HTTP/1.1 200 OK", {}, big) },
    }
    with_ngx(ngx, function()
      for i = 1, 3 do
        local status, err = transport.request(REQ, OPTS)
        assert.is_nil(status)
        assert.is_true(sagemaker.is_error(err), i)
        assert.equal("ResponseTooLarge", err.code)
        assert.equal("network", err.kind)
        assert.is_false(err.retryable)
      end
    end)
    for i = 1, 3 do assert.equal("closed", ngx.log.connections[i].state) end
  end)

  it("maps failures to retryable network and timeout errors", function()
    local ngx = fake_ngx {
      { connect_err = "connection refused" },
      { response = json_response(200, '{"a":1}'), timeout_after = 10 },
      { response = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{" },
      { response = "SSH-2.0-OpenSSH\r\n" },
    }
    with_ngx(ngx, function()
      local _, e1 = transport.request(REQ, OPTS)
      assert.same({ "network", "NetworkError", true }, { e1.kind, e1.code, e1.retryable })
      assert.truthy(e1.message:find("connection refused", 1, true))
      local _, e2 = transport.request(REQ, OPTS)
      assert.same({ "timeout", "RequestTimeout", true }, { e2.kind, e2.code, e2.retryable })
      local _, e3 = transport.request(REQ, OPTS)
      assert.same({ "network", "NetworkError", true }, { e3.kind, e3.code, e3.retryable })
      local _, e4 = transport.request(REQ, OPTS)
      assert.same({ "network", "NetworkError" }, { e4.kind, e4.code })
      assert.truthy(e4.message:find("status line", 1, true))
    end)
  end)

  it("replaces a pooled connection found closed before any byte, once, without an attempt", function()
    local ngx = fake_ngx {
      { response = "", reused = 3 },                        -- closed by the server while idle
      { response = json_response(200, "{}") },
      { response = "", reused = 1 },                        -- stale again, then a new one fails too
      { response = "" },
      { response = "HTTP/1.1 200", reused = 2 },            -- some bytes came: not retried
    }
    with_ngx(ngx, function()
      assert.equal(200, (transport.request(REQ, OPTS)))
      local status, err = transport.request(REQ, OPTS)
      assert.is_nil(status)
      assert.same({ "network", true }, { err.kind, err.retryable })
      status, err = transport.request(REQ, OPTS)
      assert.is_nil(status)
      assert.equal("NetworkError", err.code)
    end)
    assert.equal(5, #ngx.log.connections)
    assert.equal(0, #ngx.log.sleeps)
  end)

  it("explains a missing resolver", function()
    local ngx = fake_ngx {
      { connect_err = "no resolver defined to resolve \"api.sagemaker.us-east-1.amazonaws.com\"" },
    }
    local _, err = with_ngx(ngx, function()
      return transport.request({ url = "https://api.sagemaker.us-east-1.amazonaws.com", headers = {} }, OPTS)
    end)
    assert.equal("config", err.kind)
    assert.truthy(err.message:find("resolver", 1, true))
  end)

  it("uses TLS with SNI and verification for https, once per pooled connection", function()
    local ngx = fake_ngx {
      { response = json_response(200, "{}") },
      { response = json_response(200, "{}"), reused = 1 },
      { response = json_response(200, "{}") },
      { handshake_err = "20: unable to get local issuer certificate" },
    }
    with_ngx(ngx, function()
      transport.request({ url = "https://api.sagemaker.eu-west-1.amazonaws.com/", headers = {} }, OPTS)
      transport.request({ url = "https://api.sagemaker.eu-west-1.amazonaws.com/", headers = {} }, OPTS)
      transport.request({ url = "https://127.0.0.1:8443", headers = {} }, OPTS)
      local _, err = transport.request({ url = "https://example.com", headers = {} }, OPTS)
      assert.same({ "network", false }, { err.kind, err.retryable })
      assert.truthy(err.message:find("lua_ssl_trusted_certificate", 1, true))
    end)
    local c = ngx.log.connections
    assert.equal(443, c[1].port)
    assert.equal("https://api.sagemaker.eu-west-1.amazonaws.com:443", c[1].pool)
    assert.same({ session = false, server_name = "api.sagemaker.eu-west-1.amazonaws.com", verify = true }, c[1].tls)
    assert.is_nil(c[2].tls)                    -- reused: already verified
    assert.same({ session = false, server_name = "127.0.0.1", verify = true }, c[3].tls) -- name checked
  end)

  it("parses endpoint URLs", function()
    assert.same({ scheme = "https", host = "h.example", port = 443, path = "/" },
      transport.parse_url("https://h.example"))
    assert.same({ scheme = "http", host = "::1", port = 8080, path = "/p?q" },
      transport.parse_url("http://[::1]:8080/p?q"))
    assert.is_nil(transport.parse_url("no-scheme"))
  end)
end)

describe("transport nginx: choosing the transport", function()
  it("uses cosockets in request, timer and ssl phases and libcurl elsewhere ('auto')", function()
    local ngx = fake_ngx {}
    with_ngx(ngx, function()
      local s = transport.new({}, ENDPOINT)
      for _, phase in ipairs { "rewrite", "access", "content", "timer", "ssl_cert" } do
        ngx.phase = phase
        assert.is_true(s:selected(), phase)
      end
      for _, phase in ipairs { "init", "init_worker", "set", "header_filter", "body_filter", "log", "balancer" } do
        ngx.phase = phase
        assert.is_false(s:selected(), phase)
      end
    end)
  end)

  it("raises a config error for transport 'nginx' where cosockets are not allowed", function()
    local ngx = fake_ngx({}, "log")
    with_ngx(ngx, function()
      local err = raised(function() transport.new({ transport = "nginx" }, ENDPOINT):selected() end)
      assert.equal("config", err.kind)
      assert.truthy(err.message:find("log", 1, true))
      assert.is_false(transport.new({ transport = "curl" }, ENDPOINT):selected())
    end)
  end)

  it("refuses transport 'nginx' outside nginx, and unknown transports", function()
    local err = raised(new_client, { transport = "nginx" })
    assert.is_true(sagemaker.is_error(err))
    assert.equal("InvalidConfiguration", err.code)
    err = raised(new_client, { transport = "cosocket" })
    assert.equal("InvalidConfiguration", err.code)
    assert.is_nil(new_client()._nginx)
    assert.is_nil(new_client { transport = "curl" }._nginx)
  end)
end)

describe("transport nginx: calls and retries", function()
  local ok_body = '{"AutoMLJobArn":"arn:aws:sagemaker:us-east-1:123456789012:automl-job/x"}'
  local throttle = json_response(400, '{"__type":"ThrottlingException","message":"Rate exceeded"}')

  local function call_with(script, opts, phase)
    local ngx = fake_ngx(script, phase)
    local client
    local ok, res = with_ngx(ngx, function()
      client = new_client(opts)
      return pcall(client.create_auto_ml_job, client, fixtures.job("x"))
    end)
    return ok, res, ngx, client
  end

  it("sends what the core built and signed and returns what the core parsed", function()
    local ok, out, ngx = call_with { { response = json_response(200, ok_body) } }
    assert.is_true(ok, tostring(out))
    assert.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/x", out.AutoMLJobArn)
    assert.same({ RequestId = "rid-200", HTTPStatusCode = 200, RetryAttempts = 0 }, out.ResponseMetadata)
    local sent = ngx.log.connections[1].sent[1]
    assert.truthy(sent:find("\r\nX%-Amz%-Target: SageMaker%.CreateAutoMLJob\r\n"))
    assert.truthy(sent:find("\r\nAuthorization: AWS4%-HMAC%-SHA256 Credential=AKIDEXAMPLE/"))
    local body = sent:match("\r\n\r\n(.*)$")
    assert.equal("x", cjson.decode(body).AutoMLJobName)
  end)

  it("retries throttling and 5xx with full-jitter backoff slept through ngx.sleep", function()
    local ok, out, ngx, client = call_with({
      { response = throttle },
      { response = json_response(503, '{"__type":"ServiceUnavailable","message":"busy"}') },
      { response = json_response(200, ok_body) },
    })
    assert.is_true(ok, tostring(out))
    assert.equal(2, out.ResponseMetadata.RetryAttempts)
    assert.equal(2, #ngx.log.sleeps)
    assert.is_true(ngx.log.sleeps[1] >= 0 and ngx.log.sleeps[1] < 1)
    assert.is_true(ngx.log.sleeps[2] >= 0 and ngx.log.sleeps[2] < 2)
    assert.equal(500 - 10 + 5, client._nginx.quota.tokens) -- two retries taken, the last refunded
  end)

  it("raises the last error with attempts once max_attempts is reached", function()
    local ok, err, ngx = call_with({ { response = throttle }, { response = throttle } }, { max_attempts = 2 })
    assert.is_false(ok)
    assert.same({ "service", "ThrottlingException", 400, 2, true },
      { err.kind, err.code, err.status, err.attempts, err.retryable })
    assert.equal(1, #ngx.log.sleeps)
    ok, err = call_with({ { connect_err = "connection refused" }, { connect_err = "connection refused" },
      { connect_err = "connection refused" } })
    assert.is_false(ok)
    assert.same({ "network", "NetworkError", 3 }, { err.kind, err.code, err.attempts })
  end)

  it("does not retry errors that are not retryable", function()
    local ok, err, ngx = call_with {
      { response = json_response(400, '{"__type":"ResourceInUse","message":"exists"}') },
    }
    assert.is_false(ok)
    assert.same({ "ResourceInUse", 1, "rid-400" }, { err.code, err.attempts, err.request_id })
    assert.equal(0, #ngx.log.sleeps)
    ok, err = call_with { { response = json_response(200, "<html>") } }
    assert.is_false(ok)
    assert.equal("network", err.kind)
  end)

  it("validates before sending anything", function()
    local ngx = fake_ngx {}
    local ok, err = with_ngx(ngx, function()
      local client = new_client()
      return pcall(client.create_auto_ml_job, client, { AutoMLJobName = "x" })
    end)
    assert.is_false(ok)
    assert.same({ "validation", 0 }, { err.kind, err.attempts })
    assert.equal(0, #ngx.log.connections)
  end)

  it("stops retrying when the retry quota is used up", function()
    local ngx = fake_ngx { { response = throttle }, { response = json_response(200, ok_body) } }
    local ok, err = with_ngx(ngx, function()
      local client = new_client()
      client._nginx.quota.tokens = 4
      return pcall(client.create_auto_ml_job, client, fixtures.job("x"))
    end)
    assert.is_false(ok)
    assert.same({ "ThrottlingException", 1 }, { err.code, err.attempts })
  end)

  it("shares the retry quota through lua_shared_dict sagemaker when nginx.conf has it", function()
    local store = {}
    local dict = {}
    function dict.incr(_, key, value, init)
      if store[key] == nil then
        if init == nil then return nil, "not found" end
        store[key] = init
      end
      store[key] = store[key] + value
      return store[key]
    end
    local ngx = fake_ngx { { response = throttle }, { response = json_response(200, ok_body) },
      { response = throttle } }
    ngx.shared.sagemaker = dict
    with_ngx(ngx, function()
      local client = new_client()
      assert.equal("x", client:create_auto_ml_job(fixtures.job("x")).AutoMLJobArn:match("[^/]+$"))
      assert.equal(500, store["retry_quota:" .. ENDPOINT])  -- 500 - 5 + 5
      store["retry_quota:" .. ENDPOINT] = 3
      local ok, err = pcall(client.create_auto_ml_job, client, fixtures.job("x"))
      assert.is_false(ok)
      assert.equal(1, err.attempts)
      assert.equal(3, store["retry_quota:" .. ENDPOINT])
    end)
  end)

  it("uses libcurl in phases without cosockets", function()
    -- in the log phase the call goes to the core (here: nothing listens on the endpoint)
    local ok, err, ngx = call_with({}, { max_attempts = 1, endpoint = "http://127.0.0.1:1" }, "log")
    assert.is_false(ok)
    assert.equal("network", err.kind)
    assert.equal(0, #ngx.log.connections)
  end)
end)

describe("client:parse_response (sagemaker.core)", function()
  local core = new_client()._core

  it("returns the result with ResponseMetadata, as call() does", function()
    local out = core:parse_response("DescribeAutoMLJob", 200, { ["X-Amzn-RequestId"] = "r1" },
      '{"AutoMLJobName":"x","CreationTime":1700000000.5,"Count":3}', 3)
    assert.equal("x", out.AutoMLJobName)
    assert.equal(1700000000.5, out.CreationTime)
    assert.equal(3, out.Count)
    assert.same({ RequestId = "r1", HTTPStatusCode = 200, RetryAttempts = 2 }, out.ResponseMetadata)
    out = core:parse_response("StopAutoMLJob", 200, nil, "")
    assert.same({ RequestId = "", HTTPStatusCode = 200, RetryAttempts = 0 }, out.ResponseMetadata)
  end)

  it("raises the service error object, the code from the header or the body", function()
    local err = raised(core.parse_response, core, "CreateAutoMLJob", 400,
      { ["x-amzn-errortype"] = "ResourceLimitExceeded:http://internal", ["x-amzn-requestid"] = "r2" },
      '{"message":"too many"}', 2)
    assert.is_true(sagemaker.is_error(err))
    assert.same({ "service", "ResourceLimitExceeded", "too many", 400, "r2", 2, false },
      { err.kind, err.code, err.message, err.status, err.request_id, err.attempts, err.retryable })
    err = raised(core.parse_response, core, "CreateAutoMLJob", 500, {},
      '{"__type":"com.amazonaws.sagemaker#InternalFailure","Message":"oops"}')
    assert.same({ "InternalFailure", "oops", true }, { err.code, err.message, err.retryable })
  end)

  it("raises plain errors for bad arguments", function()
    assert.truthy(tostring(raised(core.parse_response, core, "Nope", 200, {}, "")):find("unknown operation"))
    assert.truthy(tostring(raised(core.parse_response, core, "StopAutoMLJob", 42, {}, "")):find("status"))
    assert.truthy(tostring(raised(core.parse_response, core, "StopAutoMLJob", 200, "h", "")):find("table"))
    assert.truthy(tostring(raised(core.parse_response, core, "StopAutoMLJob", 200, {}, "", 0)):find("attempts"))
    local c = new_client()
    c:close()
    assert.truthy(tostring(raised(c._core.parse_response, c._core, "StopAutoMLJob", 200, {}, "")):find("closed"))
  end)
end)

---------------------------------------------------------------------------
-- Part 2: Debian's nginx + libnginx-mod-http-lua

local server = require("nginx.server")
local available, why = server.available()
if not available then
  io.stderr:write("\n*** SKIP: OpenResty integration specs: " .. why .. " ***\n")
end

describe("OpenResty integration (nginx + libnginx-mod-http-lua, one worker)", function()
  if not available then
    it("runs nginx", function() pending("SKIP: " .. why) end)
    return
  end
  local emu_ok, emu_why = emulator.available()
  if not emu_ok then
    it("runs nginx", function() pending("SKIP: " .. emu_why) end)
    return
  end

  local emu, srv
  setup(function()
    emu = emulator.start { job_limit = 200, job_duration = 1 }
    srv = server.start { emulator = emu }
  end)
  teardown(function()
    if srv then srv:stop() end
    if emu then emu:stop() end
  end)

  it("creates a job from a content handler through cosockets", function()
    local r = srv:get("/create?name=ngx-content")
    assert.is_true(r.ok, cjson.encode(r))
    assert.same({ "content", true }, { r.phase, r.cosockets })
    assert.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/ngx-content", r.arn)
    assert.equal(200, r.metadata.HTTPStatusCode)
    assert.equal(0, r.metadata.RetryAttempts)
    assert.truthy(r.metadata.RequestId:match("^%x+%-"))
    assert.equal(1, #emu:jobs())
  end)

  it("works with a client made in init_by_lua, in rewrite and timer phases, and with libcurl", function()
    local r = srv:get("/create?name=ngx-shared&client=shared")
    assert.is_true(r.ok, cjson.encode(r))
    r = srv:get("/rewrite/create?name=ngx-rewrite")
    assert.is_true(r.ok, cjson.encode(r))
    assert.same({ "rewrite", true }, { r.phase, r.cosockets })
    r = srv:get("/create?name=ngx-curl&transport=curl")
    assert.is_true(r.ok, cjson.encode(r))
    assert.truthy(srv:get("/timer?name=ngx-timer").scheduled)
    local result
    for _ = 1, 100 do
      result = srv:get("/result?key=ngx-timer")
      if result ~= cjson.null then break end
      os.execute("sleep 0.05")
    end
    assert.is_true(result.ok, cjson.encode(result))
    assert.same({ "timer", true }, { result.phase, result.cosockets })
  end)

  it("falls back to libcurl where cosockets are not allowed (log phase); 'nginx' refuses", function()
    srv:get("/logphase?name=ngx-log")
    srv:get("/logphase?name=ngx-log-strict&transport=nginx")
    local auto, strict
    for _ = 1, 100 do
      auto, strict = srv:get("/result?key=ngx-log"), srv:get("/result?key=ngx-log-strict")
      if auto ~= cjson.null and strict ~= cjson.null then break end
      os.execute("sleep 0.05")
    end
    assert.is_true(auto.ok, cjson.encode(auto))
    assert.same({ "log", false }, { auto.phase, auto.cosockets })
    assert.is_false(strict.ok)
    assert.same({ "config", "InvalidConfiguration" }, { strict.error.kind, strict.error.code })
  end)

  it("speaks TLS with SNI and verifies the certificate against lua_ssl_trusted_certificate", function()
    local r = srv:get("/create?name=ngx-tls&transport=nginx&endpoint=tls")
    assert.is_true(r.ok, cjson.encode(r))
    assert.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/ngx-tls", r.arn)
    -- a certificate for another name: refused, not retried
    r = srv:get("/create?name=ngx-badname&transport=nginx&endpoint=tls-badname")
    assert.is_false(r.ok)
    assert.same({ "network", "NetworkError", false, 1 },
      { r.error.kind, r.error.code, r.error.retryable, r.error.attempts })
    assert.truthy(r.error.message:find("TLS handshake with 127.0.0.1 failed: certificate host mismatch", 1, true),
      r.error.message)
  end)

  it("raises the same error objects as libcurl calls", function()
    local r = srv:get("/describe?name=no-such-job")
    assert.is_false(r.ok)
    assert.same({ "service", "ResourceNotFound", 400, 1, false },
      { r.error.kind, r.error.code, r.error.status, r.error.attempts, r.error.retryable })
    r = srv:get("/unreachable")
    assert.same({ "network", "NetworkError", 2 }, { r.error.kind, r.error.code, r.error.attempts })
  end)

  it("returns nil, err with sagemaker.safe", function()
    local r = srv:get("/safe?name=ngx-safe")
    assert.equal("arn:aws:sagemaker:us-east-1:123456789012:automl-job/ngx-safe", r.first)
    assert.is_false(r.second)
    assert.equal("ResourceInUse", r.second_err.code)
    assert.is_false(r.bad)
    assert.equal("validation", r.bad_err.kind)
    assert.equal(3, #r.bad_err.errors)
    assert.is_false(r.no_client)
    assert.equal("config", r.no_client_err.kind)
  end)

  it("retries throttling with ngx.sleep and keeps the quota in lua_shared_dict", function()
    local before = srv:get("/quota").tokens
    if before == cjson.null then before = 500 end
    emu:fault("throttle", { count = 2, operation = "CreateAutoMLJob" })
    local r = srv:get("/create?name=ngx-retry")
    assert.is_true(r.ok, cjson.encode(r))
    assert.equal(2, r.metadata.RetryAttempts)
    assert.equal(before - 5, srv:get("/quota").tokens) -- two retries (5 each), the last refunded
  end)

  it("serves 50 concurrent requests on one worker while each answer takes 300 ms", function()
    local delay, n = 0.3, 50
    emu:fault("delay", { count = n, delay_ms = delay * 1000 })
    local paths = {}
    for i = 1, n do paths[i] = "/create?client=shared&name=ngx-conc-" .. i end
    local out = srv:fetch(paths)
    local failures = {}
    for _, r in ipairs(out.results) do
      local body = r.status == 200 and cjson.decode(r.body)
      if not (body and body.ok) then failures[#failures + 1] = r.body or r.error end
    end
    assert.same({}, failures)
    local sequential = n * delay
    io.stderr:write(("\n[openresty] %d concurrent CreateAutoMLJob, each answer delayed %d ms: %.2f s; " ..
      "one after the other would take >= %.1f s (ratio %.3f)\n"):format(n, delay * 1000, out.elapsed,
      sequential, out.elapsed / sequential))
    assert.is_true(out.elapsed < 0.5 * sequential,
      ("requests did not overlap: %.2f s for %d requests of %.1f s"):format(out.elapsed, n, delay))
    assert.equal(0, #emu:admin("faults").faults)
  end)
end)
