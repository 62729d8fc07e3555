-- Child process of spec/helpers/awsenv.lua: create a client from a JSON
-- request (argv[1]), optionally make calls, print one JSON line describing
-- what happened. Never prints secrets: only access key ids, sources, errors.
--
-- request: { options = {...}, calls = n, sleep_before = { ["2"] = seconds },
--            sign = true, tostring = true }
local cjson = require("cjson")
local request = cjson.decode(arg[1] or "{}")
local sagemaker = require("sagemaker")

local function err_table(e)
  if type(e) == "table" then
    return { kind = e.kind, code = e.code, message = e.message, status = e.status,
      text = tostring(e) }
  end
  return { message = tostring(e) }
end

local opts = request.options
if opts == nil or opts == cjson.null then opts = {} end
local ok, client = pcall(sagemaker.client, opts)
if not ok then
  print(cjson.encode({ error = err_table(client) }))
  return
end

local out = { config = client:config(), calls = {} }
if request.tostring then out.tostring = tostring(client) end
for i = 1, request.calls or 0 do
  local pause = request.sleep_before and request.sleep_before[tostring(i)]
  if pause then os.execute("sleep " .. tostring(pause)) end
  local ok2, r = pcall(client.list_auto_ml_jobs, client, {})
  if ok2 then
    out.calls[i] = { ok = true, request_id = r.ResponseMetadata.RequestId }
  else
    out.calls[i] = { ok = false, error = err_table(r) }
  end
end
if request.sign then
  local ok3, r = pcall(client.build_request, client, "list_auto_ml_jobs", {}, { time = os.time() })
  if ok3 then
    out.access_key = r.headers.Authorization:match("Credential=([^/]+)/")
    out.has_token = r.headers["X-Amz-Security-Token"] ~= nil
  else
    out.sign_error = err_table(r)
  end
end
if #out.calls == 0 then out.calls = nil end
print(cjson.encode(out))
