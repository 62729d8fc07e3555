-- Every credential source end to end over loopback: each test runs a client in
-- a child process (env -i, a temporary HOME with real ~/.aws files) against
-- the emulator, which plays SageMaker, STS, the container credentials endpoint
-- and IMDSv2. Checks which source was chosen, that SageMaker accepted the
-- signature (the emulator verifies it with botocore), what STS / IMDS / the
-- container endpoint received, caching and refresh, and the errors.
local emulator = require("helpers.emulator")
local awsenv = require("helpers.awsenv")
local fixtures = require("fixtures")
local cjson = require("cjson")

local AK, SK = fixtures.credentials.access_key_id, fixtures.credentials.secret_access_key
local ROLE = "arn:aws:iam::123456789012:role/lua-sagemaker-test"

describe("credentials", function()
  local emu, home

  setup(function() emu = emulator.start() end)
  teardown(function() if emu then emu:stop() end end)
  before_each(function()
    emu:reset()
    home = awsenv.home()
  end)
  after_each(function() home:cleanup() end)

  local function env(extra)
    local e = { AWS_REGION = "us-east-1", AWS_ENDPOINT_URL = emu.endpoint, AWS_EC2_METADATA_DISABLED = "true" }
    for k, v in pairs(extra or {}) do e[k] = v end
    return e
  end
  local function calls(service)
    local out = {}
    for _, c in ipairs(emu:admin("creds_log").calls) do
      if not service or c.service == service then out[#out + 1] = c end
    end
    return out
  end
  local function sagemaker_keys()
    local keys = {}
    for _, r in ipairs(emu:requests()) do
      for _, h in ipairs(r.headers) do
        if h[1]:lower() == "authorization" then keys[#keys + 1] = h[2]:match("Credential=([^/]+)/") end
      end
    end
    return keys
  end
  local function assert_all_ok(r, n)
    assert.is_nil(r.error, r.error and r.error.message)
    assert.are.equal(n, #r.calls)
    for i, c in ipairs(r.calls) do
      assert.is_true(c.ok, ("call %d: %s"):format(i, c.error and c.error.message or ""))
    end
  end

  describe("static sources", function()
    it("uses the environment's keys and session token", function()
      local r = awsenv.probe(env { AWS_ACCESS_KEY_ID = AK, AWS_SECRET_ACCESS_KEY = SK,
        AWS_SESSION_TOKEN = "env-token" }, home, { calls = 1, sign = true })
      assert_all_ok(r, 1)
      assert.are.equal("environment", r.config.credentials_source)
      assert.is_true(r.has_token)
    end)

    it("prefers explicit credentials to everything else", function()
      home:write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = x\n")
      local r = awsenv.probe(env { AWS_ACCESS_KEY_ID = "AKIDENV", AWS_SECRET_ACCESS_KEY = "y" }, home,
        { options = { credentials = fixtures.credentials }, calls = 1 })
      assert_all_ok(r, 1)
      assert.are.equal("explicit", r.config.credentials_source)
    end)

    it("reads the shared credentials file, then the config file, per profile", function()
      home:write(".aws/credentials", ("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" ..
        "[dev]\naws_access_key_id=%s\naws_secret_access_key=%s\n"):format(AK, SK, AK, SK))
      home:write(".aws/config", ("[profile cfg]\n# keys in the config file\nAWS_ACCESS_KEY_ID: %s\n" ..
        "aws_secret_access_key: %s\n"):format(AK, SK))
      local r = awsenv.probe(env(), home, { calls = 1 })
      assert_all_ok(r, 1)
      assert.are.equal("profile default: shared credentials file", r.config.credentials_source)
      r = awsenv.probe(env { AWS_PROFILE = "dev" }, home, { calls = 1 })
      assert_all_ok(r, 1)
      assert.are.equal("profile dev: shared credentials file", r.config.credentials_source)
      assert.are.equal("AWS_PROFILE", r.config.profile_source)
      r = awsenv.probe(env(), home, { options = { profile = "cfg" }, calls = 1 })
      assert_all_ok(r, 1)
      assert.are.equal("profile cfg: config file", r.config.credentials_source)
    end)

    it("skips the environment's keys when a profile is passed explicitly (like --profile)", function()
      home:write(".aws/credentials", ("[dev]\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(AK, SK))
      local e = env { AWS_ACCESS_KEY_ID = "AKIDWRONG", AWS_SECRET_ACCESS_KEY = "wrong" }
      local r = awsenv.probe(e, home, { options = { profile = "dev" }, calls = 1 })
      e.AWS_PROFILE = "dev"
      assert_all_ok(r, 1)
      assert.are.equal("profile dev: shared credentials file", r.config.credentials_source)
      -- AWS_PROFILE is not "explicit": the environment's keys still win, as in the CLI.
      r = awsenv.probe(e, home, { sign = true })
      assert.are.equal("environment", r.config.credentials_source)
      assert.are.equal("AKIDWRONG", r.access_key)
    end)

    it("refuses an unknown profile with a config error", function()
      local r = awsenv.probe(env { AWS_PROFILE = "ghost" }, home, {})
      assert.are.equal("config", r.error.kind)
      assert.are.equal("ProfileNotFound", r.error.code)
      assert.matches("ghost", r.error.message)
    end)
  end)

  describe("assume role", function()
    it("chains source profiles through STS and caches the result", function()
      home:write(".aws/credentials", ("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(AK, SK))
      home:write(".aws/config", table.concat({
        "[profile middle]",
        "role_arn = arn:aws:iam::123456789012:role/middle",
        "source_profile = base",
        "[profile top]",
        "role_arn = " .. ROLE,
        "source_profile = middle",
        "role_session_name = spec-session",
        "external_id = ext-123",
        "duration_seconds = 1800",
        "",
      }, "\n"))
      local r = awsenv.probe(env { AWS_PROFILE = "top" }, home, { calls = 3, sign = true })
      assert_all_ok(r, 3)
      assert.matches("^profile top: assume role " .. ROLE:gsub("%p", "%%%0") ..
        " %(source: profile middle: assume role", r.config.credentials_source)
      local sts = calls("sts")
      assert.are.equal(2, #sts) -- middle, then top; then cached for every call
      assert.are.equal("arn:aws:iam::123456789012:role/middle", sts[1].role_arn)
      assert.are.equal(AK, sts[1].source_access_key)
      assert.are.equal(ROLE, sts[2].role_arn)
      assert.are.equal("spec-session", sts[2].session_name)
      assert.are.equal("ext-123", sts[2].external_id)
      assert.are.equal("1800", sts[2].duration)
      assert.matches("^ASIA", sts[2].source_access_key) -- signed with middle's temporary keys
      assert.matches("^ASIA", r.access_key)
      assert.is_true(r.has_token)
      for _, k in ipairs(sagemaker_keys()) do assert.matches("^ASIA", k) end
    end)

    it("takes the source credentials from credential_source = Environment", function()
      home:write(".aws/config", "[profile envrole]\nrole_arn = " .. ROLE .. "\ncredential_source = Environment\n")
      local r = awsenv.probe(env { AWS_ACCESS_KEY_ID = AK, AWS_SECRET_ACCESS_KEY = SK }, home,
        { options = { profile = "envrole" }, calls = 1 })
      assert_all_ok(r, 1)
      assert.matches("%(source: environment%)", r.config.credentials_source)
      assert.are.equal(AK, calls("sts")[1].source_access_key)
    end)

    it("reports STS refusals as credentials errors with the STS code", function()
      home:write(".aws/credentials", ("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(AK, SK))
      home:write(".aws/config", "[profile r]\nrole_arn = " .. ROLE .. "\nsource_profile = base\n")
      emu:admin("creds_fault", { service = "sts", status = 403, code = "AccessDenied",
        message = "User is not authorized to perform: sts:AssumeRole" })
      local r = awsenv.probe(env { AWS_PROFILE = "r" }, home, { calls = 1 })
      local e = r.calls[1].error
      assert.are.equal("credentials", e.kind)
      assert.are.equal("AccessDenied", e.code)
      assert.matches("not authorized", e.message)
      assert.matches(ROLE:gsub("%p", "%%%0"), e.message)
      assert.is_nil(e.text:find(SK, 1, true))
      assert.are.equal(0, #emu:requests()) -- nothing reached SageMaker
    end)

    it("rejects role_arn without a source, loops and MFA with config errors", function()
      home:write(".aws/config", table.concat({
        "[profile nosource]", "role_arn = " .. ROLE,
        "[profile a]", "role_arn = " .. ROLE, "source_profile = b",
        "[profile b]", "role_arn = " .. ROLE, "source_profile = a",
        "[profile mfa]", "role_arn = " .. ROLE, "source_profile = a", "mfa_serial = arn:aws:iam::1:mfa/me", "",
      }, "\n"))
      for profile, pattern in pairs({ nosource = "neither source_profile nor credential_source",
          a = "loop", mfa = "MFA" }) do
        local r = awsenv.probe(env(), home, { options = { profile = profile } })
        assert.are.equal("config", r.error.kind, profile)
        assert.matches(pattern, r.error.message)
      end
    end)
  end)

  describe("web identity", function()
    it("calls AssumeRoleWithWebIdentity with the token file from the environment", function()
      home:write("token", "eyJ.web-identity.token\n")
      emu:admin("creds_config", { web_identity_token = "eyJ.web-identity.token" })
      local r = awsenv.probe(env { AWS_WEB_IDENTITY_TOKEN_FILE = home:path("token"), AWS_ROLE_ARN = ROLE,
        AWS_ROLE_SESSION_NAME = "pod-a" }, home, { calls = 2 })
      assert_all_ok(r, 2)
      assert.are.equal("web identity " .. ROLE .. " (AWS_WEB_IDENTITY_TOKEN_FILE)", r.config.credentials_source)
      local sts = calls("sts")
      assert.are.equal(1, #sts)
      assert.are.equal("AssumeRoleWithWebIdentity", sts[1].action)
      assert.are.equal("pod-a", sts[1].session_name)
      assert.are.equal("eyJ.web-identity.token", sts[1].web_identity_token)
    end)

    it("reads web_identity_token_file and role_arn from the profile", function()
      home:write("token", "profile-token")
      home:write(".aws/config", ("[default]\nweb_identity_token_file = %s\nrole_arn = %s\n"):format(
        home:path("token"), ROLE))
      local r = awsenv.probe(env(), home, { calls = 1 })
      assert_all_ok(r, 1)
      assert.matches("profile default web_identity_token_file", r.config.credentials_source)
      assert.are.equal("profile-token", calls("sts")[1].web_identity_token)
    end)

    it("fails with InvalidIdentityToken when STS refuses the token", function()
      home:write("token", "stale-token")
      emu:admin("creds_config", { web_identity_token = "fresh-token" })
      local r = awsenv.probe(env { AWS_WEB_IDENTITY_TOKEN_FILE = home:path("token"), AWS_ROLE_ARN = ROLE },
        home, { calls = 1 })
      assert.are.equal("InvalidIdentityToken", r.calls[1].error.code)
      assert.is_nil(r.calls[1].error.message:find("stale-token", 1, true))
    end)
  end)

  describe("credential_process", function()
    local function script(body)
      return home:write("creds.sh", "#!/bin/sh\n" .. body, "755")
    end

    it("runs the command and uses its JSON", function()
      script(('[ "$1" = "--profile name" ] || exit 7\necho \'{"Version": 1, "AccessKeyId": "%s", ' ..
        '"SecretAccessKey": "%s"}\'\n'):format(AK, SK))
      home:write(".aws/config",
        ("[default]\ncredential_process = %s \"--profile name\"\n"):format(home:path("creds.sh")))
      local r = awsenv.probe(env(), home, { calls = 2 })
      assert_all_ok(r, 2)
      assert.are.equal("profile default: credential_process (creds.sh)", r.config.credentials_source)
    end)

    it("runs it again when its Expiration comes near", function()
      emu:admin("credentials", { access_key = "AKIDPROCESS", secret_key = "process-secret" })
      script('date +%s%N >> "$HOME/runs"\nexp=$(date -u -d @$(( $(date +%s) + 200 )) +%Y-%m-%dT%H:%M:%SZ)\n' ..
        'echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"AKIDPROCESS\\", \\"SecretAccessKey\\": ' ..
        '\\"process-secret\\", \\"SessionToken\\": \\"t\\", \\"Expiration\\": \\"$exp\\"}"\n')
      home:write(".aws/config", "[default]\ncredential_process = " .. home:path("creds.sh") .. "\n")
      local r = awsenv.probe(env(), home, { calls = 2 })
      assert_all_ok(r, 2)
      local _, runs = awsenv.slurp(home:path("runs")):gsub("\n", "")
      assert.are.equal(2, runs) -- 200 s left is inside the 5-minute refresh window
    end)

    it("reports a failing command with its exit status and stderr", function()
      script("echo 'session expired, log in again' >&2\nexit 4\n")
      home:write(".aws/config", "[default]\ncredential_process = " .. home:path("creds.sh") .. " --token SECRETARG\n")
      local r = awsenv.probe(env(), home, { calls = 1 })
      local e = r.calls[1].error
      assert.are.equal("credentials", e.kind)
      assert.matches("exited with status 4: session expired, log in again", e.message)
      assert.is_nil(e.message:find("SECRETARG", 1, true))
    end)
  end)

  describe("container endpoint", function()
    it("uses AWS_CONTAINER_CREDENTIALS_FULL_URI with the authorization token", function()
      emu:admin("creds_config", { container_token = "Bearer secret-container-token" })
      local r = awsenv.probe(env { AWS_CONTAINER_CREDENTIALS_FULL_URI = emu.endpoint .. "/_container/v1",
        AWS_CONTAINER_AUTHORIZATION_TOKEN = "Bearer secret-container-token" }, home, { calls = 2 })
      assert_all_ok(r, 2)
      assert.are.equal("container (AWS_CONTAINER_CREDENTIALS_FULL_URI)", r.config.credentials_source)
      local c = calls("container")
      assert.are.equal(1, #c)
      assert.are.equal("GET /_container/v1", c[1].action)
    end)

    it("prefers AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS Pod Identity)", function()
      home:write("eks-token", "pod-identity-token\n")
      emu:admin("creds_config", { container_token = "pod-identity-token" })
      local r = awsenv.probe(env { AWS_CONTAINER_CREDENTIALS_FULL_URI = emu.endpoint .. "/_container/eks",
        AWS_CONTAINER_AUTHORIZATION_TOKEN = "ignored",
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = home:path("eks-token") },
        home, { calls = 1 })
      assert_all_ok(r, 1)
      assert.are.equal("pod-identity-token", calls("container")[1].authorization)
    end)

    it("reports a refused token", function()
      emu:admin("creds_config", { container_token = "right" })
      local r = awsenv.probe(env { AWS_CONTAINER_CREDENTIALS_FULL_URI = emu.endpoint .. "/_container/x",
        AWS_CONTAINER_AUTHORIZATION_TOKEN = "wrong" }, home, { calls = 1 })
      assert.are.equal("credentials", r.calls[1].error.kind)
      assert.matches("HTTP 401", r.calls[1].error.message)
    end)

    it("refuses plain http to a host that is not loopback or the ECS/EKS agent", function()
      local r = awsenv.probe(env { AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://192.0.2.1/creds" }, home, {})
      assert.are.equal("config", r.error.kind)
    end)
  end)

  describe("EC2 instance metadata", function()
    it("gets an IMDSv2 token, the role name, then the role's credentials", function()
      local r = awsenv.probe(env { AWS_EC2_METADATA_DISABLED = false,
        AWS_EC2_METADATA_SERVICE_ENDPOINT = emu.endpoint .. "/" }, home, { calls = 2 })
      assert_all_ok(r, 2)
      assert.are.equal("EC2 instance metadata", r.config.credentials_source)
      local actions = {}
      for _, c in ipairs(calls("imds")) do actions[#actions + 1] = c.action end
      assert.are.same({ "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
        "GET /latest/meta-data/iam/security-credentials/lua-sagemaker-instance-role" }, actions)
    end)

    it("takes the endpoint from the profile too", function()
      home:write(".aws/config", "[default]\nec2_metadata_service_endpoint = " .. emu.endpoint .. "\n")
      local r = awsenv.probe(env { AWS_EC2_METADATA_DISABLED = false }, home, { calls = 1 })
      assert_all_ok(r, 1)
    end)

    it("reports every source it tried when the instance has no role", function()
      emu:admin("creds_config", { imds_role = cjson.null })
      local r = awsenv.probe(env { AWS_EC2_METADATA_DISABLED = false,
        AWS_EC2_METADATA_SERVICE_ENDPOINT = emu.endpoint }, home, { calls = 1 })
      local e = r.calls[1].error
      assert.are.equal("credentials", e.kind)
      assert.are.equal("CredentialsNotFound", e.code)
      assert.matches("tried: environment %(AWS_ACCESS_KEY_ID not set%); profile \"default\"", e.message)
      assert.matches("then EC2 instance metadata at .* no IAM role", e.message)
    end)
  end)

  describe("refresh", function()
    local function role_home()
      home:write(".aws/credentials", ("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n"):format(AK, SK))
      home:write(".aws/config", "[default]\nrole_arn = " .. ROLE .. "\nsource_profile = base\n")
    end

    it("refreshes temporary credentials ahead of expiry", function()
      role_home()
      emu:admin("creds_config", { expiration_seconds = 200 }) -- inside the 300 s window
      local r = awsenv.probe(env(), home, { calls = 2 })
      assert_all_ok(r, 2)
      assert.are.equal(2, #calls("sts"))
      local keys = sagemaker_keys()
      assert.are_not.equal(keys[1], keys[2])
    end)

    it("keeps valid credentials when a refresh fails, and retries later", function()
      role_home()
      emu:admin("creds_config", { expiration_seconds = 200 })
      emu:admin("creds_fault", { service = "sts", skip = 1, count = 3, status = 503, code = "ServiceUnavailable" })
      local r = awsenv.probe(env(), home, { calls = 3 })
      assert_all_ok(r, 3)
      local keys = sagemaker_keys()
      assert.are.equal(keys[1], keys[2])
      assert.are.equal(keys[1], keys[3])
      -- First fetch, then one failed refresh (3 attempts); the third call does not retry yet.
      assert.are.equal(4, #calls("sts"))
    end)

    it("fails once expiring credentials cannot be refreshed", function()
      role_home()
      emu:admin("creds_config", { expiration_seconds = 11 }) -- 10 s is the safety margin
      emu:admin("creds_fault", { service = "sts", skip = 1, count = 3, status = 403, code = "AccessDenied" })
      local r = awsenv.probe(env(), home, { calls = 2, sleep_before = { ["2"] = 1.5 } })
      assert.is_true(r.calls[1].ok)
      assert.are.equal("credentials", r.calls[2].error.kind)
      assert.are.equal("AccessDenied", r.calls[2].error.code)
    end)

    it("refuses credentials that arrive already expired, before sending", function()
      emu:admin("creds_config", { expiration_seconds = -1 })
      local r = awsenv.probe(env { AWS_CONTAINER_CREDENTIALS_FULL_URI = emu.endpoint .. "/_container/x" },
        home, { calls = 1 })
      assert.are.equal("ExpiredCredentials", r.calls[1].error.code) -- caught before sending
      assert.are.equal(0, #emu:requests())
    end)
  end)

  describe("when nothing is configured", function()
    it("raises a credentials error listing what it tried, at creation when IMDS is disabled", function()
      local r = awsenv.probe(env(), home, {})
      assert.are.equal("credentials", r.error.kind)
      assert.are.equal("CredentialsNotFound", r.error.code)
      for _, what in ipairs({ "environment", "profile \"default\"", "web identity", "container",
          "disabled by AWS_EC2_METADATA_DISABLED" }) do
        assert.truthy(r.error.message:find(what, 1, true), what)
      end
    end)

    it("never shows a secret in errors or tostring", function()
      home:write(".aws/credentials", "[default]\naws_access_key_id = AKIDPARTIAL\n" ..
        "aws_secret_access_key SECRET-IN-A-BROKEN-LINE\n")
      local r = awsenv.probe(env(), home, {})
      assert.are.equal("config", r.error.kind)
      assert.matches("line 3", r.error.message)
      assert.is_nil(r._output:find("SECRET-IN-A-BROKEN-LINE", 1, true))
      r = awsenv.probe(env { AWS_ACCESS_KEY_ID = AK, AWS_SECRET_ACCESS_KEY = SK, AWS_SESSION_TOKEN = "TOKEN-XYZ" },
        home, { tostring = true, calls = 1 })
      assert.is_nil(r._output:find(SK, 1, true))
      assert.is_nil(r._output:find("TOKEN-XYZ", 1, true))
    end)
  end)
end)
