-- Region resolution in child processes with a controlled environment and a
-- temporary HOME: option, AWS_REGION, AWS_DEFAULT_REGION, then the profile's
-- region (config or credentials file); never instance metadata; a clear
-- config error when none is found. No network.
local awsenv = require("helpers.awsenv")
local fixtures = require("fixtures")

describe("region", function()
  local home

  before_each(function() home = awsenv.home() end)
  after_each(function() home:cleanup() end)

  local function env(extra)
    local e = { AWS_EC2_METADATA_DISABLED = "true", AWS_ACCESS_KEY_ID = fixtures.credentials.access_key_id,
      AWS_SECRET_ACCESS_KEY = fixtures.credentials.secret_access_key }
    for k, v in pairs(extra or {}) do e[k] = v end
    return e
  end

  -- region and its source; the endpoint through `endpoint_of`.
  local last
  local function resolve(extra_env, options)
    options = options or {}
    options.credentials = fixtures.credentials -- a profile option would skip the environment's keys
    local r = awsenv.probe(env(extra_env), home, { options = options })
    assert.is_nil(r.error, r.error and r.error.message)
    last = r.config
    return r.config.region, r.config.region_source
  end

  it("takes the option first, then AWS_REGION, AWS_DEFAULT_REGION, the profile", function()
    home:write(".aws/config", "[default]\nregion = ap-southeast-2\n")
    local all = { AWS_REGION = "eu-west-3", AWS_DEFAULT_REGION = "ca-central-1" }
    assert.are.same({ "us-west-1", "option" }, { resolve(all, { region = "us-west-1" }) })
    assert.are.same({ "eu-west-3", "AWS_REGION" }, { resolve(all) })
    assert.are.same({ "ca-central-1", "AWS_DEFAULT_REGION" }, { resolve { AWS_DEFAULT_REGION = "ca-central-1" } })
    assert.are.same({ "ap-southeast-2", "profile" }, { resolve() })
    assert.are.equal("https://api.sagemaker.ap-southeast-2.amazonaws.com", last.endpoint)
  end)

  it("reads the selected profile's region, from either file", function()
    home:write(".aws/config", "[default]\nregion = us-east-2\n[profile dev]\nregion = eu-central-1\n" ..
      "[profile \"team a\"]\n  # indented comment\nregion=me-south-1\n")
    home:write(".aws/credentials", "[creds-only]\nregion = il-central-1\n[dev]\nregion = eu-south-1\n")
    assert.are.equal("eu-south-1", (resolve { AWS_PROFILE = "dev" })) -- credentials file wins
    assert.are.equal("il-central-1", (resolve { AWS_PROFILE = "creds-only" }))
    assert.are.equal("me-south-1", (resolve(nil, { profile = "team a" })))
    assert.are.equal("us-east-2", (resolve { AWS_DEFAULT_PROFILE = "default" }))
  end)

  it("honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", function()
    home:write("elsewhere.ini", "[profile x]\nregion = af-south-1\n")
    home:write("creds.ini", "[y]\nregion = sa-east-1\n")
    assert.are.equal("af-south-1", (resolve { AWS_CONFIG_FILE = home:path("elsewhere.ini"), AWS_PROFILE = "x" }))
    assert.are.equal("sa-east-1", (resolve { AWS_SHARED_CREDENTIALS_FILE = home:path("creds.ini"), AWS_PROFILE = "y" }))
    assert.are.equal("af-south-1", (resolve({}, { config_file = home:path("elsewhere.ini"), profile = "x" })))
  end)

  it("raises a config error naming the places it looked", function()
    local r = awsenv.probe(env(), home, {})
    assert.are.equal("config", r.error.kind)
    assert.are.equal("MissingRegion", r.error.code)
    for _, what in ipairs({ "region =", "AWS_REGION", "AWS_DEFAULT_REGION", "profile \"default\"" }) do
      assert.truthy(r.error.message:find(what, 1, true), what)
    end
  end)

  it("does not ask instance metadata for a region (botocore does not either)", function()
    -- IMDS pointed at a closed loopback port: a region lookup there would fail differently.
    local r = awsenv.probe(env { AWS_EC2_METADATA_DISABLED = false,
      AWS_EC2_METADATA_SERVICE_ENDPOINT = "http://127.0.0.1:9" }, home, {})
    assert.are.equal("MissingRegion", r.error.code)
  end)

  it("rejects a region that is not a host label", function()
    local r = awsenv.probe(env { AWS_REGION = "us-east-1.evil.example/" }, home, {})
    assert.are.equal("config", r.error.kind)
  end)
end)
