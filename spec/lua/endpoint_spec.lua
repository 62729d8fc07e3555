-- Endpoints through the Lua client: all 47 official SageMaker endpoint rule
-- tests (../shared/conformance/sagemaker-endpoint-tests.json, or
-- $SMK_SHARED_DIR), then the configured-endpoint sources (option,
-- AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL, the profile's services
-- section and endpoint_url, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), FIPS and
-- dual-stack from options / environment / profile, the STS endpoint used for
-- assume role, the CA bundle sources, and proxies (libcurl's http_proxy /
-- NO_PROXY) against the emulator.
local sagemaker = require("sagemaker")
local cjson = require("cjson")
local awsenv = require("helpers.awsenv")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local AK, SK = fixtures.credentials.access_key_id, fixtures.credentials.secret_access_key

local function shared_dir()
  local d = os.getenv("SMK_SHARED_DIR")
  if d and d ~= "" then return d end
  local src = debug.getinfo(1, "S").source:sub(2)
  local root = src:match("^(.*)/spec/lua/[^/]*$") or "."
  return root .. "/../shared"
end

describe("endpoint rule conformance through sagemaker.client", function()
  local path = shared_dir() .. "/conformance/sagemaker-endpoint-tests.json"
  local text = awsenv.slurp(path)
  if not text then
    pending("SKIP: SageMaker endpoint rule conformance (47 cases) NOT RUN: " .. path ..
      " is missing (set SMK_SHARED_DIR)")
    return
  end
  local tests = cjson.decode(text).tests
  it("has the 47 cases", function() assert.are.equal(47, #tests) end)
  for i, t in ipairs(tests) do
    local p = t.params
    local name = ("case %d: %s%s%s%s"):format(i, tostring(p.Region), p.UseFIPS and " fips" or "",
      p.UseDualStack and " dualstack" or "", p.Endpoint and (" endpoint " .. p.Endpoint) or "")
    it(name, function()
      -- Options set every input explicitly, so the environment cannot interfere.
      local opts = { region = p.Region, use_fips = p.UseFIPS == true, use_dualstack = p.UseDualStack == true,
        endpoint = p.Endpoint, credentials = fixtures.credentials }
      local ok, c = pcall(sagemaker.client, opts)
      if t.expect.url and p.Region then
        assert.is_true(ok, ok or c.message)
        assert.are.equal(t.expect.url, c:endpoint())
        c:close()
      elseif t.expect.url then
        -- A URL without a region: the rule set resolves it, but SigV4 needs a region.
        assert.is_false(ok)
        assert.are.equal("MissingRegion", c.code)
      else
        assert.is_false(ok)
        assert.are.equal("config", c.kind)
        if p.Region then assert.are.equal(t.expect.error, c.message) end
      end
    end)
  end
end)

describe("configured endpoints", function()
  local home

  before_each(function() home = awsenv.home() end)
  after_each(function() home:cleanup() end)

  local function env(extra)
    local e = { AWS_EC2_METADATA_DISABLED = "true", AWS_REGION = "eu-west-1", AWS_ACCESS_KEY_ID = AK,
      AWS_SECRET_ACCESS_KEY = SK }
    for k, v in pairs(extra or {}) do e[k] = v end
    return e
  end
  local function probe(extra, options)
    local r = awsenv.probe(env(extra), home, { options = options })
    return r.config, r.error
  end
  -- endpoint and its source, or nil and the error
  local function resolve(extra, options)
    local cfg, err = probe(extra, options)
    if err then return nil, err end
    return cfg.endpoint, cfg.endpoint_source
  end

  it("applies option, service variable, global variable, services section, endpoint_url in order", function()
    home:write(".aws/config", "[default]\nservices = local\nendpoint_url = http://127.0.0.1:1004\n" ..
      "[services local]\nsagemaker =\n  endpoint_url = http://127.0.0.1:1003\n" ..
      "[profile plain]\nendpoint_url = http://127.0.0.1:1004\n")
    local all = { AWS_ENDPOINT_URL_SAGEMAKER = "http://127.0.0.1:1001", AWS_ENDPOINT_URL = "http://127.0.0.1:1002" }
    assert.are.same({ "http://127.0.0.1:1000", "option" },
      { resolve(all, { endpoint = "http://127.0.0.1:1000" }) })
    assert.are.same({ "http://127.0.0.1:1001", "AWS_ENDPOINT_URL_SAGEMAKER" }, { resolve(all) })
    assert.are.same({ "http://127.0.0.1:1002", "AWS_ENDPOINT_URL" },
      { resolve { AWS_ENDPOINT_URL = "http://127.0.0.1:1002" } })
    assert.are.same({ "http://127.0.0.1:1003", "profile services section" }, { resolve() })
    assert.are.same({ "http://127.0.0.1:1004", "profile endpoint_url" }, { resolve { AWS_PROFILE = "plain" } })
  end)

  it("ignores configured endpoints when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile says so", function()
    home:write(".aws/config", "[default]\nendpoint_url = http://127.0.0.1:1004\n" ..
      "[profile ignoring]\nendpoint_url = http://127.0.0.1:1004\nignore_configured_endpoint_urls = true\n")
    local rules = "https://api.sagemaker.eu-west-1.amazonaws.com"
    assert.are.same({ rules, "endpoint rules" },
      { resolve { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "true", AWS_ENDPOINT_URL = "http://127.0.0.1:1" } })
    assert.are.equal(rules, (resolve { AWS_PROFILE = "ignoring" }))
    -- An explicit endpoint is not "configured": it still applies.
    assert.are.equal("http://127.0.0.1:5", (resolve({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "true" },
      { endpoint = "http://127.0.0.1:5" })))
  end)

  it("reports a services section that does not exist", function()
    home:write(".aws/config", "[default]\nservices = nowhere\n")
    local _, err = resolve()
    assert.are.equal("config", err.kind)
    assert.matches("nowhere", err.message)
  end)

  it("takes FIPS and dual-stack from options, then the environment, then the profile", function()
    home:write(".aws/config", "[default]\nuse_fips_endpoint = true\n[profile ds]\nuse_dualstack_endpoint = TRUE\n")
    assert.are.equal("https://api-fips.sagemaker.eu-west-1.amazonaws.com", (resolve()))
    assert.are.equal("https://api.sagemaker.eu-west-1.amazonaws.com",
      (resolve { AWS_USE_FIPS_ENDPOINT = "false" }))
    assert.are.equal("https://api.sagemaker.eu-west-1.amazonaws.com", (resolve({}, { use_fips = false })))
    assert.are.equal("https://api.sagemaker.eu-west-1.api.aws", (resolve { AWS_PROFILE = "ds" }))
    assert.are.equal("https://api-fips.sagemaker.eu-west-1.amazonaws.com",
      (resolve({ AWS_PROFILE = "ds", AWS_USE_FIPS_ENDPOINT = "true" }, { use_dualstack = false })))
    assert.are.equal("https://api.sagemaker-fips.eu-west-1.api.aws",
      (resolve { AWS_PROFILE = "ds", AWS_USE_FIPS_ENDPOINT = "true" }))
    local _, err = resolve { AWS_USE_DUALSTACK_ENDPOINT = "yes" }
    assert.are.equal("config", err.kind)
    assert.matches("AWS_USE_DUALSTACK_ENDPOINT must be true or false", err.message)
    -- The rule set's own error: a configured endpoint with FIPS.
    _, err = resolve { AWS_ENDPOINT_URL = "http://127.0.0.1:1" }
    assert.are.equal("Invalid Configuration: FIPS and custom endpoint are not supported", err.message)
  end)

  it("takes the CA bundle from the option, AWS_CA_BUNDLE, the profile", function()
    home:write(".aws/config", "[default]\nca_bundle = /etc/profile-ca.pem\n")
    local cfg = probe({ AWS_CA_BUNDLE = "/etc/env-ca.pem" }, { ca_bundle = "/etc/option-ca.pem" })
    assert.are.same({ "/etc/option-ca.pem", "option" }, { cfg.ca_bundle, cfg.ca_bundle_source })
    cfg = probe { AWS_CA_BUNDLE = "/etc/env-ca.pem" }
    assert.are.same({ "/etc/env-ca.pem", "AWS_CA_BUNDLE" }, { cfg.ca_bundle, cfg.ca_bundle_source })
    cfg = probe()
    assert.are.same({ "/etc/profile-ca.pem", "profile" }, { cfg.ca_bundle, cfg.ca_bundle_source })
    home:write(".aws/config", "")
    cfg = probe()
    assert.are.same({ nil, "system" }, { cfg.ca_bundle, cfg.ca_bundle_source })
  end)
end)

describe("endpoints on the wire (emulator)", function()
  local emu, home

  setup(function() emu = emulator.start() end)
  teardown(function() if emu then emu:stop() end end)
  before_each(function()
    emu:reset()
    home = awsenv.home()
  end)
  after_each(function() home:cleanup() end)

  local function env(extra)
    local e = { AWS_EC2_METADATA_DISABLED = "true", AWS_REGION = "us-east-1" }
    for k, v in pairs(extra or {}) do e[k] = v end
    return e
  end

  it("sends STS calls to AWS_ENDPOINT_URL_STS / the services section, SageMaker's elsewhere", function()
    home:write(".aws/credentials", ("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(AK, SK))
    home:write(".aws/config", table.concat({
      "[default]", "role_arn = arn:aws:iam::123456789012:role/r", "source_profile = base", "services = emu",
      "[services emu]", "sts =", "  endpoint_url = " .. emu.endpoint,
      "sagemaker =", "  endpoint_url = " .. emu.endpoint, "",
    }, "\n"))
    local r = awsenv.probe(env(), home, { calls = 1 })
    assert.is_true(r.calls[1].ok, r.calls[1].error and r.calls[1].error.message)
    assert.are.equal(1, #emu:admin("creds_log").calls)
    -- AWS_ENDPOINT_URL_STS beats the services section: a closed port fails the call.
    r = awsenv.probe(env { AWS_ENDPOINT_URL_STS = "http://127.0.0.1:9" }, home, { calls = 1 })
    assert.are.equal("credentials", r.calls[1].error.kind)
    assert.matches("127%.0%.0%.1:9", r.calls[1].error.message)
  end)

  it("goes through http_proxy, and around it for NO_PROXY hosts (libcurl)", function()
    local base = env { AWS_ACCESS_KEY_ID = AK, AWS_SECRET_ACCESS_KEY = SK }
    -- The emulator as the proxy: the request line carries the absolute URL of the target.
    base.http_proxy = emu.endpoint
    local r = awsenv.probe(base, home, { options = { endpoint = "http://sagemaker.invalid", allow_http = true },
      calls = 1 })
    -- It arrived in proxy form (absolute URL); the emulator, being no proxy, answers it itself.
    assert.are.equal("service", r.calls[1].error.kind)
    local req = emu:requests()[1]
    assert.are.equal("http://sagemaker.invalid/", req.path)
    local host
    for _, h in ipairs(req.headers) do if h[1]:lower() == "host" then host = h[2] end end
    assert.are.equal("sagemaker.invalid", host)
    -- A dead proxy fails the call, unless NO_PROXY names the host.
    base.http_proxy = "http://127.0.0.1:9"
    r = awsenv.probe(base, home, { options = { endpoint = emu.endpoint }, calls = 1 })
    assert.are.equal("network", r.calls[1].error.kind)
    base.NO_PROXY = "127.0.0.1"
    r = awsenv.probe(base, home, { options = { endpoint = emu.endpoint }, calls = 1 })
    assert.is_true(r.calls[1].ok, r.calls[1].error and r.calls[1].error.message)
  end)
end)
