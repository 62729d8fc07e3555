-- TLS: the emulator serves HTTPS with a self-signed certificate made at test
-- time; the client verifies peers by default and trusts it only through
-- ca_bundle.
local sagemaker = require("sagemaker")
local emulator = require("helpers.emulator")
local fixtures = require("fixtures")

local function make_certificate(dir)
  local cmd = ("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 " ..
    "-addext subjectAltName=IP:127.0.0.1 -keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1"):format(dir, dir)
  local ok = os.execute(cmd)
  assert(ok == true or ok == 0, "openssl could not make a certificate")
  return dir .. "/cert.pem", dir .. "/key.pem"
end

describe("TLS", function()
  local dir, emu, cert

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. dir))
    local key
    cert, key = make_certificate(dir)
    emu = emulator.start { tls_cert = cert, tls_key = key }
  end)

  teardown(function()
    if emu then emu:stop() end
    if dir then os.execute("rm -rf " .. dir) end
  end)

  it("refuses a certificate it cannot verify", function()
    local client = sagemaker.client { region = "us-east-1", endpoint = emu.endpoint,
      credentials = fixtures.credentials, max_attempts = 1 }
    local ok, err = pcall(client.create_auto_ml_job, client, fixtures.job("tls-refused"))
    client:close()
    assert.is_false(ok)
    assert.are.equal("network", err.kind)
    assert.matches("certificate", err.message)
    assert.are.equal(0, #emu:jobs())
  end)

  it("accepts it when the certificate is in ca_bundle", function()
    local client = sagemaker.client { region = "us-east-1", endpoint = emu.endpoint,
      credentials = fixtures.credentials, ca_bundle = cert }
    local out = client:create_auto_ml_job(fixtures.job("tls-trusted"))
    client:close()
    assert.matches("tls%-trusted$", out.AutoMLJobArn)
  end)
end)
