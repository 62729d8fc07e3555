--- Shell and file basics shared by the spec helpers (Lua 5.1-5.4, LuaJIT).
--
--   local shell = require("helpers.shell")
--   shell.quote(s)       -> s as one single-quoted sh word
--   shell.run(cmd)       -> true when cmd exited 0 (os.execute differs by version)
--   shell.read_file(p)   -> the file's bytes, or nil
--   shell.NO_SANITIZER   -> "env -u LD_PRELOAD ... " prefix for child commands
--   shell.helpers_dir    -> absolute path of spec/helpers
local M = {}

function M.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- os.execute returns a number in 5.1 and true/nil, "exit", code in 5.2+.
function M.run(cmd)
  local a, _, c = os.execute(cmd)
  if type(a) == "number" then return a == 0 end
  return a == true and (c == nil or c == 0)
end

-- Prefix for commands that must run without a sanitizer runtime preloaded
-- into the interpreter (make test-sanitize): it would check Python, nginx or
-- OpenSSL, not our code.
M.NO_SANITIZER = "env -u LD_PRELOAD -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS "

function M.read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

-- The directory of this file, made absolute with $PWD when relative.
local function this_dir()
  local src = debug.getinfo(1, "S").source or ""
  if src:sub(1, 1) == "@" then src = src:sub(2) end
  local dir = src:match("^(.*)/[^/]*$") or "."
  if dir:sub(1, 1) ~= "/" then
    local pwd = os.getenv("PWD")
    if pwd and pwd ~= "" then dir = pwd .. "/" .. dir end
  end
  return dir
end
M.helpers_dir = this_dir()

return M
