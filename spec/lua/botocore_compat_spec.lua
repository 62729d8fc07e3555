-- Same files, same answers: botocore (the AWS CLI's engine) and lua-sagemaker
-- resolve the same environment and ~/.aws files, each in a child process
-- with `env -i` and a temporary HOME, and must agree on the access key, the
-- region and the SageMaker endpoint (or both fail). Assume-role and web
-- identity profiles go to the emulator's STS: both must call it for the same
-- role with the same source key.
--
-- Uses the python3 on PATH with the newest botocore (else Debian's
-- /usr/bin/python3). Configured endpoints (AWS_ENDPOINT_URL*, services
-- sections) need botocore >= 1.31; older ones skip those cases loudly.
local awsenv = require("helpers.awsenv")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")
local cjson = require("cjson")

local AK, SK = fixtures.credentials.access_key_id, fixtures.credentials.secret_access_key
local SCRIPT = awsenv.helpers_dir .. "/botocore_resolve.py"

-- The interpreter with the newest botocore: its absolute path and version.
local function find_python()
  local best, best_version
  for _, py in ipairs({ "python3", "/usr/bin/python3" }) do
    local p = io.popen("env -u LD_PRELOAD " .. awsenv.quote(py) ..
      " -c 'import sys, botocore; print(sys.executable, botocore.__version__)' 2>/dev/null")
    local line = p and p:read("*l")
    if p then p:close() end
    local exe, version = (line or ""):match("^(%S+) (%S+)$")
    if exe then
      local a, b, c = version:match("^(%d+)%.(%d+)%.(%d+)")
      local v = a and (tonumber(a) * 1e6 + tonumber(b) * 1e3 + tonumber(c)) or 0
      if not best_version or v > best_version then best, best_version = exe, v end
    end
  end
  return best, best_version
end

local PYTHON, VERSION = find_python()

describe("botocore compatibility", function()
  if not PYTHON then
    pending("SKIP: botocore compatibility NOT RUN: no python3 can import botocore " ..
      "(install python3-botocore, or boto3 in the python3 on PATH)")
    return
  end
  local configured_endpoints = VERSION >= 1031000

  local emu, home
  setup(function() emu = emulator.start() end)
  teardown(function() if emu then emu:stop() end end)
  before_each(function()
    emu:reset()
    home = awsenv.home()
  end)
  after_each(function() home:cleanup() end)

  local function botocore(env, profile)
    local cmd = ("%s %s %s %s 2>&1"):format(awsenv.env_prefix(env, home, true), awsenv.quote(PYTHON),
      awsenv.quote(SCRIPT), awsenv.quote(profile or ""))
    local p = assert(io.popen(cmd))
    local out = p:read("*a")
    p:close()
    local ok, decoded = pcall(cjson.decode, out:match("([^\n]*)\n?$") or "")
    assert(ok and type(decoded) == "table", "botocore_resolve.py failed:\n" .. out)
    return decoded
  end

  local function ours(env, profile)
    local r = awsenv.probe(env, home, { options = { profile = profile }, sign = true })
    if r.error then return { error = r.error.code, kind = r.error.kind, message = r.error.message } end
    if r.sign_error then return { error = r.sign_error.code, message = r.sign_error.message } end
    return { access_key = r.access_key, region = r.config.region, endpoint = r.config.endpoint }
  end

  -- Both agree on key, region and endpoint, or both fail.
  local function same(env, profile, note)
    env.AWS_EC2_METADATA_DISABLED = env.AWS_EC2_METADATA_DISABLED or "true"
    local b, l = botocore(env, profile), ours(env, profile)
    local label = (note or "") .. " botocore " .. tostring(b.botocore)
    if b.error then
      assert.truthy(l.error, label .. ": botocore failed (" .. b.error .. ": " .. tostring(b.message) ..
        ") but lua-sagemaker resolved " .. cjson.encode(l))
      return b, l
    end
    assert.is_nil(l.error, label .. ": " .. tostring(l.message))
    assert.are.equal(b.access_key, l.access_key, label .. ": access key")
    assert.are.equal(b.region, l.region, label .. ": region")
    assert.are.equal(b.endpoint, l.endpoint, label .. ": endpoint")
    return b, l
  end

  local function keys(profile_header, ak, sk)
    return ("%s\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(profile_header, ak, sk or "s")
  end

  it("reads the default profile from both files", function()
    home:write(".aws/credentials", keys("[default]", "AKIDDEFAULT"))
    home:write(".aws/config", "[default]\nregion = eu-west-2\n")
    same({})
  end)

  it("picks profiles from AWS_PROFILE and --profile, the credentials file winning", function()
    home:write(".aws/config", keys("[profile dev]", "AKIDFROMCONFIG") .. "region = ap-northeast-1\n" ..
      keys("[profile cfgonly]", "AKIDCFGONLY") .. "region = ca-central-1\n")
    home:write(".aws/credentials", keys("[dev]", "AKIDFROMCREDS") .. keys("[profile cfgonly]", "AKIDNOTAPROFILE"))
    local b = same({ AWS_PROFILE = "dev" })
    assert.are.equal("AKIDFROMCREDS", b.access_key)
    same({}, "dev")
    b = same({}, "cfgonly")
    assert.are.equal("AKIDCFGONLY", b.access_key)
    same({ AWS_PROFILE = "missing" }) -- both refuse an unknown profile
  end)

  it("parses the same tricky INI", function()
    home:write(".aws/config", table.concat({
      "# a comment", "; another", "[default]", "  # indented comment", "REGION: sa-east-1",
      "output = json # not a comment", "", "[profile \"team a\"]", "region=us-west-1",
      "aws_access_key_id   =   AKIDTEAMA   ", "Aws_Secret_Access_Key=s", "",
      "[profile  spaced]", "region = eu-north-1", "", "[profilex]", "region = nowhere", "",
    }, "\n"))
    home:write(".aws/credentials", "[default]\r\naws_access_key_id=AKIDCRLF\r\naws_secret_access_key=s\r\n")
    same({})
    same({}, "team a")
    same({ AWS_PROFILE = "spaced", AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "s" })
  end)

  it("lets environment keys win, except over an explicit profile", function()
    home:write(".aws/credentials", keys("[dev]", "AKIDDEV"))
    home:write(".aws/config", "[profile dev]\nregion = us-east-2\n")
    local env = { AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "s", AWS_PROFILE = "dev" }
    assert.are.equal("AKIDENV", same(env).access_key)
    assert.are.equal("AKIDDEV", same(env, "dev").access_key)
  end)

  it("takes AWS_DEFAULT_REGION over the profile's region", function()
    home:write(".aws/credentials", keys("[default]", "AKIDX"))
    home:write(".aws/config", "[default]\nregion = eu-west-1\n")
    same({ AWS_DEFAULT_REGION = "eu-south-2" })
  end)

  it("runs the same credential_process", function()
    home:write("proc.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", " ..
      "\"SecretAccessKey\": \"s\"}'\n", "755")
    home:write(".aws/config", "[default]\nregion = us-east-1\ncredential_process = " .. home:path("proc.sh") ..
      " 'quoted arg'\n")
    assert.are.equal("AKIDPROC", same({}).access_key)
  end)

  it("resolves FIPS and dual-stack settings to the same endpoint", function()
    home:write(".aws/credentials", keys("[default]", "AKIDX"))
    home:write(".aws/config", "[default]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n" ..
      "[profile ds]\nregion = cn-north-1\nuse_dualstack_endpoint = true\naws_access_key_id = AKIDDS\n" ..
      "aws_secret_access_key = s\n")
    same({})
    same({ AWS_PROFILE = "ds" })
    same({ AWS_USE_FIPS_ENDPOINT = "false" })
    same({ AWS_USE_DUALSTACK_ENDPOINT = "true", AWS_DEFAULT_REGION = "eu-central-1" })
  end)

  describe("configured endpoints", function()
    it("agree on variables, services sections, endpoint_url and the ignore switch", function()
      if not configured_endpoints then
        pending("SKIP: configured endpoints NOT COMPARED: botocore " .. tostring(VERSION) .. " < 1.31")
        return
      end
      home:write(".aws/credentials", keys("[default]", "AKIDX") .. keys("[plain]", "AKIDP"))
      home:write(".aws/config", table.concat({
        "[default]", "region = us-east-1", "services = local", "endpoint_url = http://127.0.0.1:1004",
        "[services local]", "sagemaker =", "  endpoint_url = http://127.0.0.1:1003",
        "sts =", "  endpoint_url = http://127.0.0.1:1009",
        "[profile plain]", "region = us-west-2", "endpoint_url = http://127.0.0.1:1005", "",
      }, "\n"))
      assert.are.equal("http://127.0.0.1:1003", same({}).endpoint)
      assert.are.equal("http://127.0.0.1:1005", same({ AWS_PROFILE = "plain" }).endpoint)
      assert.are.equal("http://127.0.0.1:1002", same({ AWS_ENDPOINT_URL = "http://127.0.0.1:1002" }).endpoint)
      assert.are.equal("http://127.0.0.1:1001", same({ AWS_ENDPOINT_URL = "http://127.0.0.1:1002",
        AWS_ENDPOINT_URL_SAGEMAKER = "http://127.0.0.1:1001" }).endpoint)
      assert.are.equal("https://api.sagemaker.us-east-1.amazonaws.com",
        same({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = "true", AWS_ENDPOINT_URL = "http://127.0.0.1:1" }).endpoint)
    end)

    it("assume the same role from the same source through the emulator's STS", function()
      if not configured_endpoints then
        pending("SKIP: assume-role comparison NOT RUN: botocore " .. tostring(VERSION) .. " < 1.31")
        return
      end
      home:write(".aws/credentials", keys("[base]", AK, SK))
      home:write(".aws/config", table.concat({
        "[default]", "region = us-east-1", "role_arn = arn:aws:iam::123456789012:role/compat",
        "source_profile = base", "role_session_name = compat-session",
        "[profile web]", "region = us-east-1", "role_arn = arn:aws:iam::123456789012:role/web",
        "web_identity_token_file = " .. home:path("token"), "",
      }, "\n"))
      home:write("token", "compat-web-token")
      local env = { AWS_ENDPOINT_URL_STS = emu.endpoint }
      local b, l = botocore(env), ours(env)
      assert.is_nil(b.error, b.message)
      assert.is_nil(l.error, l.message)
      assert.matches("^ASIA", b.access_key)
      assert.matches("^ASIA", l.access_key)
      assert.are.equal(b.region, l.region)
      assert.are.equal(b.endpoint, l.endpoint)
      local calls = emu:admin("creds_log").calls
      assert.are.equal(2, #calls)
      for _, c in ipairs(calls) do
        assert.are.equal("AssumeRole", c.action)
        assert.are.equal("arn:aws:iam::123456789012:role/compat", c.role_arn)
        assert.are.equal("compat-session", c.session_name)
        assert.are.equal(AK, c.source_access_key)
      end
      env.AWS_PROFILE = "web"
      b, l = botocore(env), ours(env)
      assert.is_nil(b.error, b.message)
      assert.is_nil(l.error, l.message)
      calls = emu:admin("creds_log").calls
      assert.are.equal(4, #calls)
      for i = 3, 4 do
        assert.are.equal("AssumeRoleWithWebIdentity", calls[i].action)
        assert.are.equal("arn:aws:iam::123456789012:role/web", calls[i].role_arn)
        assert.are.equal("compat-web-token", calls[i].web_identity_token)
      end
    end)
  end)
end)
