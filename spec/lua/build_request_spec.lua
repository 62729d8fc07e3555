-- build_request: validated, encoded and signed, not sent; the signature is
-- checked against botocore's signer (an independent implementation).
local sagemaker = require("sagemaker")
local cjson = require("cjson")
local fixtures = require("fixtures")

local function botocore_authorization(req, time, creds, region)
  local input = os.tmpname()
  local f = assert(io.open(input, "w"))
  f:write(cjson.encode {
    method = req.method, url = req.url, headers = req.headers, body = req.body, time = time,
    access_key_id = creds.access_key_id, secret_access_key = creds.secret_access_key,
    session_token = creds.session_token, region = region, service = "sagemaker",
  })
  f:close()
  local p = assert(io.popen("env -u LD_PRELOAD /usr/bin/python3 spec/helpers/botocore_sign.py < " .. input))
  local out = p:read("*a")
  p:close()
  os.remove(input)
  return (out:gsub("%s+$", ""))
end

describe("client:build_request", function()
  local client = sagemaker.client { region = "us-east-1", credentials = fixtures.credentials }
  local T = 1700000000 -- 2023-11-14T22:13:20Z

  it("targets the regional endpoint with the JSON 1.1 protocol headers", function()
    local req = client:build_request("create_auto_ml_job", fixtures.job(), { time = T })
    assert.are.equal("POST", req.method)
    assert.are.equal("https://api.sagemaker.us-east-1.amazonaws.com", req.url)
    assert.are.equal("api.sagemaker.us-east-1.amazonaws.com", req.headers.Host)
    assert.are.equal("application/x-amz-json-1.1", req.headers["Content-Type"])
    assert.are.equal("SageMaker.CreateAutoMLJob", req.headers["X-Amz-Target"])
    assert.are.equal("20231114T221320Z", req.headers["X-Amz-Date"])
    assert.matches("^AWS4%-HMAC%-SHA256 Credential=AKIDEXAMPLE/20231114/us%-east%-1/sagemaker/aws4_request, "
      .. "SignedHeaders=content%-type;host;x%-amz%-date;x%-amz%-target, Signature=%x+$",
      req.headers.Authorization)
  end)

  it("encodes the request body as the JSON the API expects", function()
    local req = client:build_request("create_auto_ml_job", fixtures.job("enc"), { time = T })
    local body = cjson.decode(req.body)
    assert.are.same(fixtures.job("enc"), body)
  end)

  it("accepts the operation's API name too", function()
    local a = client:build_request("create_auto_ml_job", fixtures.job(), { time = T })
    local b = client:build_request("CreateAutoMLJob", fixtures.job(), { time = T })
    assert.are.same(a, b)
  end)

  it("is deterministic for a given time", function()
    local a = client:build_request("create_auto_ml_job", fixtures.job(), { time = T })
    local b = client:build_request("create_auto_ml_job", fixtures.job(), { time = T })
    assert.are.equal(a.headers.Authorization, b.headers.Authorization)
    local c = client:build_request("create_auto_ml_job", fixtures.job(), { time = T + 1 })
    assert.are_not.equal(a.headers.Authorization, c.headers.Authorization)
  end)

  it("produces the signature botocore computes for the same request", function()
    local req = client:build_request("create_auto_ml_job", fixtures.job("botocore-check"), { time = T })
    assert.are.equal(botocore_authorization(req, T, fixtures.credentials, "us-east-1"), req.headers.Authorization)
  end)

  it("signs the session token of temporary credentials, as botocore does", function()
    local creds = fixtures.copy(fixtures.credentials)
    creds.session_token = "IQoJb3JpZ2luX2VjEXAMPLE/+=="
    local temp = sagemaker.client { region = "eu-west-1", credentials = creds }
    local req = temp:build_request("create_auto_ml_job", fixtures.job(), { time = T })
    assert.are.equal(creds.session_token, req.headers["X-Amz-Security-Token"])
    assert.matches("SignedHeaders=content%-type;host;x%-amz%-date;x%-amz%-security%-token;x%-amz%-target",
      req.headers.Authorization)
    assert.are.equal(botocore_authorization(req, T, creds, "eu-west-1"), req.headers.Authorization)
    temp:close()
  end)

  it("raises a validation error object instead of building an invalid request", function()
    local job = fixtures.job()
    job.AutoMLJobName = "no_underscores"
    local ok, err = pcall(client.build_request, client, "create_auto_ml_job", job, { time = T })
    assert.is_false(ok)
    assert.are.equal("validation", err.kind)
    assert.are.equal("AutoMLJobName", err.errors[1].path)
  end)

  it("rejects wrong argument types at the call site", function()
    assert.has_error(function() client:build_request("create_auto_ml_job", "nope") end)
    assert.has_error(function() client:build_request("no_such_operation", {}) end)
    assert.has_error(function() client:build_request("create_auto_ml_job", {}, { time = "now" }) end)
  end)
end)
