-- sagemaker.client{} options: region, credentials and endpoint resolution,
-- refusal of unsafe or misspelt configuration. No network.
local sagemaker = require("sagemaker")
local fixtures = require("fixtures")

-- The interpreter and module build under test (set by `make test LUA=...`).
local LUA = os.getenv("SAGEMAKER_SPEC_LUA") or "lua5.4"
local CPATH = os.getenv("SAGEMAKER_SPEC_CPATH") or "build/lua/?.so"

-- Run `fn` with environment variables replaced (posix setenv through
-- os.getenv is not writable from Lua, so the specs spawn a child Lua).
local function in_child(env, code)
  local assignments = {}
  for k, v in pairs(env) do assignments[#assignments + 1] = k .. "='" .. v .. "'" end
  local cmd = ("env -i PATH=\"$PATH\" %s LUA_PATH='lua/?.lua;lua/?/init.lua;spec/?.lua;;' " ..
    "LUA_CPATH='%s;;' %s -e %q 2>&1"):format(table.concat(assignments, " "), CPATH, LUA, code)
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  return (out:gsub("%s+$", ""))
end

local function raises(opts)
  local ok, err = pcall(sagemaker.client, opts)
  assert.is_false(ok)
  return err
end

describe("sagemaker.client options", function()
  it("uses the region's aws endpoint by default", function()
    local c = sagemaker.client { region = "eu-central-1", credentials = fixtures.credentials }
    assert.are.equal("https://api.sagemaker.eu-central-1.amazonaws.com", c:endpoint())
    assert.are.equal("eu-central-1", c:region())
    c:close()
  end)

  it("uses FIPS and dual-stack endpoints when asked", function()
    local c = sagemaker.client { region = "us-east-1", use_fips = true, credentials = fixtures.credentials }
    assert.are.equal("https://api-fips.sagemaker.us-east-1.amazonaws.com", c:endpoint())
    local d = sagemaker.client { region = "cn-north-1", use_dualstack = true, credentials = fixtures.credentials }
    assert.are.equal("https://api.sagemaker.cn-north-1.api.amazonwebservices.com.cn", d:endpoint())
  end)

  it("refuses FIPS with a custom endpoint, as the rule set does", function()
    local err = raises { region = "us-east-1", use_fips = true, endpoint = "https://example.com",
      credentials = fixtures.credentials }
    assert.are.equal("config", err.kind)
    assert.are.equal("Invalid Configuration: FIPS and custom endpoint are not supported", err.message)
  end)

  it("refuses plain http to a non-loopback host unless allow_http is set", function()
    local err = raises { region = "us-east-1", endpoint = "http://example.com", credentials = fixtures.credentials }
    assert.are.equal("config", err.kind)
    assert.matches("allow_http", err.message)
    local c = sagemaker.client { region = "us-east-1", endpoint = "http://example.com", allow_http = true,
      credentials = fixtures.credentials }
    assert.are.equal("http://example.com", c:endpoint())
    local l = sagemaker.client { region = "us-east-1", endpoint = "http://127.0.0.1:9",
      credentials = fixtures.credentials }
    assert.are.equal("http://127.0.0.1:9", l:endpoint())
  end)

  it("refuses malformed endpoints and regions that are not host labels", function()
    assert.are.equal("config", raises { region = "us-east-1", endpoint = "not a url",
      credentials = fixtures.credentials }.kind)
    assert.are.equal("config", raises { region = "us-east-1", endpoint = "https://h/\r\nX: y",
      credentials = fixtures.credentials }.kind)
    assert.are.equal("config", raises { region = "us-east-1.evil.com/", credentials = fixtures.credentials }.kind)
  end)

  it("suggests the right name for a misspelt option", function()
    local err = raises { regoin = "us-east-1" }
    assert.are.equal("config", err.kind)
    assert.matches("did you mean 'region'", err.message)
    err = raises { region = "us-east-1", credentials = { access_key = "x", secret_access_key = "y" } }
    assert.matches("did you mean 'access_key_id'", err.message)
  end)

  it("rejects options of the wrong type", function()
    assert.matches("must be a number", raises { region = "us-east-1", read_timeout = "5" }.message)
  end)

  it("takes region and credentials from the environment", function()
    local out = in_child({ AWS_REGION = "ap-south-1", AWS_ACCESS_KEY_ID = "AKIDENV",
      AWS_SECRET_ACCESS_KEY = "secretenv" }, [[
      local c = require("sagemaker").client{}
      local r = c:build_request("create_auto_ml_job", require("fixtures").job(), { time = 0 })
      print(c:region(), r.headers.Authorization:match("Credential=(%w+)/"))]])
    assert.are.equal("ap-south-1\tAKIDENV", out)
    out = in_child({ AWS_DEFAULT_REGION = "sa-east-1", AWS_ACCESS_KEY_ID = "A", AWS_SECRET_ACCESS_KEY = "s" },
      [[print(require("sagemaker").client{}:region())]])
    assert.are.equal("sa-east-1", out)
  end)

  it("raises config and credentials errors naming what it tried", function()
    local out = in_child({ AWS_ACCESS_KEY_ID = "A", AWS_SECRET_ACCESS_KEY = "s" },
      [[local ok, e = pcall(require("sagemaker").client, {}) print(e.kind, e.code)]])
    assert.are.equal("config\tMissingRegion", out)
    out = in_child({ AWS_REGION = "us-east-1", AWS_EC2_METADATA_DISABLED = "true" },
      [[local ok, e = pcall(require("sagemaker").client, {}) print(e.kind, e.message)]])
    assert.matches("^credentials\t.*AWS_ACCESS_KEY_ID", out)
  end)

  it("never shows secrets in tostring", function()
    local creds = { access_key_id = "AKIDVISIBLE", secret_access_key = "SECRET-never-shown",
      session_token = "TOKEN-never-shown" }
    local c = sagemaker.client { region = "us-east-1", credentials = creds }
    local s = tostring(c) .. tostring(c._core)
    assert.is_nil(s:find("never-shown", 1, true))
    c:close()
    assert.are.equal("sagemaker.client (closed)", tostring(c))
    c:close() -- idempotent
  end)
end)
