--- Error objects raised by lua-sagemaker.
-- Every error the library raises for a data, network, service or
-- configuration problem is a table with this module's metatable:
--
--   kind        "validation" | "service" | "network" | "timeout" | "credentials" | "config" | "waiter" | "internal"
--   code        AWS error code for service errors ("ResourceInUse", "ThrottlingException", ...),
--               else a stable name ("ValidationError", "NetworkError", "MissingRegion", ...)
--   message     one human-readable sentence
--   status      HTTP status, when a response arrived
--   request_id  x-amzn-RequestId, when the service sent one
--   retryable   whether retrying the same request may succeed
--   attempts    requests sent before giving up
--   errors      for validation: { { path = "InputDataConfig[1].S3Uri", message = "..." }, ... }
--
-- `tostring(err)` gives one readable line. Secrets never appear in any field.
-- @module sagemaker.error
local M = {}

local Error = {}
Error.__index = Error

local function describe(err)
  local head = "sagemaker: " .. tostring(err.kind) .. " error"
  if err.code then head = head .. " " .. tostring(err.code) end
  local where = {}
  if err.status then where[#where + 1] = "HTTP " .. tostring(err.status) end
  if err.request_id then where[#where + 1] = "request " .. tostring(err.request_id) end
  if err.attempts and err.attempts > 1 then where[#where + 1] = tostring(err.attempts) .. " attempts" end
  if #where > 0 then head = head .. " (" .. table.concat(where, ", ") .. ")" end
  if err.kind == "validation" and type(err.errors) == "table" and #err.errors > 0 then
    local lines = {}
    for i, e in ipairs(err.errors) do
      lines[i] = (e.path ~= "" and e.path or "(request)") .. ": " .. tostring(e.message)
    end
    local more = err.dropped and ("; and " .. err.dropped .. " more") or ""
    return head .. ": " .. #err.errors .. " problem(s): " .. table.concat(lines, "; ") .. more
  end
  return head .. ": " .. tostring(err.message)
end

Error.__tostring = describe

--- Is `v` a lua-sagemaker error object?
-- @param v any value
-- @treturn boolean
function M.is_error(v)
  return type(v) == "table" and getmetatable(v) == Error
end

--- Make an error object (used by the Lua layer; the C core makes its own).
-- @tparam table fields kind, code, message, ...
-- @treturn table the error object
function M.new(fields)
  return setmetatable(fields, Error)
end

--- The shared metatable (installed into the C core at load time).
M.metatable = Error

return M
