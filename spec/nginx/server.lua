--- Start and stop Debian's nginx with libnginx-mod-http-lua for the specs.
--
--   local server = require("nginx.server")       -- busted's lpath has spec/?.lua
--   local ok, why = server.available()            -- false + reason: skip loudly
--   local srv = server.start{ emulator = emu }    -- generated nginx.conf, one worker
--   srv:get("/create?name=x")                     -- -> decoded JSON answer, HTTP status
--   srv:load({ "/create?name=a", ... })           -- concurrent GETs (spec/nginx/load.py)
--   srv:stop()                                    -- idempotent; also on __gc
--
-- The configuration is spec/nginx/nginx.conf.in with its ${...} values filled
-- in; everything lives under a temporary prefix directory. The Lua module is
-- the LuaJIT build of sagemaker.core: $SAGEMAKER_NGINX_CPATH, else
-- build-luajit/lua/?.so (make builds it). The server stops by itself once
-- this process is gone (a timer in spec/nginx/app.lua watches our pid).
local cjson = require("cjson")
local shell = require("helpers.shell")

local M = {}

M.nginx = os.getenv("SAGEMAKER_NGINX") or "/usr/sbin/nginx"
M.python = os.getenv("SAGEMAKER_EMULATOR_PYTHON") or "/usr/bin/python3"
M.cpath = os.getenv("SAGEMAKER_NGINX_CPATH") or "build-luajit/lua/?.so"

local quote, read_file = shell.quote, shell.read_file

-- Commands run without a sanitizer runtime (see helpers.shell).
local function clean_env(cmd)
  return shell.NO_SANITIZER .. "sh -c " .. quote(cmd)
end

local function run(cmd) return shell.run(clean_env(cmd)) end

local function capture(cmd)
  local p = assert(io.popen(clean_env(cmd), "r"))
  local out = p:read("*a")
  p:close()
  return out
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function repo_root()
  local src = debug.getinfo(1, "S").source:sub(2)
  local dir = src:match("^(.*)/spec/nginx/[^/]*$") or "."
  if dir:sub(1, 1) ~= "/" then dir = (os.getenv("PWD") or ".") .. "/" .. dir end
  return dir
end
M.root = repo_root()

-- Where nginx looks for dynamic modules (its --modules-path).
local function modules_dir()
  local v = capture(quote(M.nginx) .. " -V 2>&1")
  return v:match("%-%-modules%-path=(%S+)") or "/usr/lib/nginx/modules"
end

-- A CA for this run, a certificate it signs for 127.0.0.1 (server.pem) and
-- one for other.example (other.pem), in `dir`.
local function make_certificates(dir)
  local key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
  local function leaf(name, cn, san)
    return table.concat({
      ("openssl req %s -subj '/CN=%s' -keyout %s.key -out %s.csr"):format(key, cn, name, name),
      ("printf 'subjectAltName=%s\n' >%s.ext"):format(san, name),
      ("openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile %s.ext -out %s.pem")
        :format(name, name, name),
    }, " && ")
  end
  local cmd = table.concat({
    "cd " .. quote(dir),
    ("openssl req -x509 %s -days 2 -subj '/CN=lua-sagemaker test CA' -keyout ca.key -out ca.pem"):format(key),
    leaf("server", "127.0.0.1", "DNS:127.0.0.1,IP:127.0.0.1"),
    leaf("other", "other.example", "DNS:other.example"),
  }, " && ")
  local log = dir .. "/openssl.log"
  if not run("(" .. cmd .. ") >" .. quote(log) .. " 2>&1") then
    error("making the test certificates failed:\n" .. (read_file(log) or ""), 3)
  end
end

--- Can the integration spec run here? true, or false and what is missing.
function M.available()
  if not exists(M.nginx) then
    return false, M.nginx .. " not found (Debian package nginx)"
  end
  local dir = modules_dir()
  if not exists(dir .. "/ngx_http_lua_module.so") then
    return false, dir .. "/ngx_http_lua_module.so not found (Debian package libnginx-mod-http-lua)"
  end
  if not run("command -v openssl >/dev/null 2>&1") then
    return false, "openssl (Debian package openssl) not found: it makes the test certificates"
  end
  return true
end

local function free_port()
  local out = capture(quote(M.python) .. [[ -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()']])
  return assert(tonumber(out:match("%d+")), "could not find a free port: " .. out)
end

local function lua_string(s)
  return string.format("%q", s)
end

local Server = {}
Server.__index = Server

--- Start nginx. opts: emulator (a helpers.emulator object, required),
-- cpath (pattern of the LuaJIT sagemaker.core, default M.cpath).
function M.start(opts)
  local emu = assert(opts.emulator, "server.start needs the emulator")
  local cpath = opts.cpath or M.cpath
  local so = cpath:gsub("%?", "sagemaker/core")
  if so:sub(1, 1) ~= "/" then so = M.root .. "/" .. so end
  if not exists(so) then
    error("the LuaJIT build of sagemaker.core is missing (" .. so .. "): run `make build-nginx-module`", 2)
  end
  local prefix = capture("mktemp -d /tmp/smk-nginx.XXXXXX"):gsub("%s+$", "")
  assert(prefix ~= "", "mktemp failed")
  assert(run("mkdir -p " .. quote(prefix .. "/tmp")))
  local self = setmetatable({ prefix = prefix, stopped = false }, Server)
  local ok, err = pcall(make_certificates, prefix)
  if not ok then
    self:stop()
    error(err, 2)
  end
  local template = assert(read_file(M.root .. "/spec/nginx/nginx.conf.in"))
  local dir = modules_dir()
  local modules = {}
  if exists(dir .. "/ndk_http_module.so") then
    modules[#modules + 1] = "load_module " .. dir .. "/ndk_http_module.so;"
  end
  modules[#modules + 1] = "load_module " .. dir .. "/ngx_http_lua_module.so;"
  local is_root = capture("id -u"):match("^0") ~= nil
  local tls_port, tls_badname_port = free_port(), free_port()
  local app = table.concat({
    "{ endpoint = ", lua_string(emu.endpoint), ", region = ", lua_string(emu.region),
    ", tls_endpoint = ", lua_string("https://127.0.0.1:" .. tls_port),
    ", tls_badname_endpoint = ", lua_string("https://127.0.0.1:" .. tls_badname_port),
    ", credentials = { access_key_id = ", lua_string(emu.access_key),
    ", secret_access_key = ", lua_string(emu.secret_key), " }",
    ", parent_pid = ", tostring(M.own_pid()), ", pid_file = ", lua_string(prefix .. "/nginx.pid"), " }",
  })
  local last_err
  for _ = 1, 3 do -- a port picked by free_port() can be taken in between
    self.port = free_port()
    local values = {
      USER = is_root and "user root root;" or "",
      LOAD_MODULES = table.concat(modules, "\n"),
      PREFIX = prefix,
      PORT = tostring(self.port),
      TLS_PORT = tostring(tls_port),
      TLS_BADNAME_PORT = tostring(tls_badname_port),
      EMULATOR_ADDRESS = "127.0.0.1:" .. emu.port,
      LUA_PATH = table.concat({ M.root .. "/lua/?.lua", M.root .. "/lua/?/init.lua",
        M.root .. "/spec/nginx/?.lua", M.root .. "/spec/?.lua" }, ";"),
      LUA_CPATH = (so:gsub("sagemaker/core%.so$", "?.so")),
      APP_SETTINGS = app,
    }
    local conf = template:gsub("%${([%u_]+)}", function(k) return assert(values[k], "unknown ${" .. k .. "}") end)
    local f = assert(io.open(prefix .. "/nginx.conf", "wb"))
    f:write(conf)
    f:close()
    if run(("%s -p %s -c %s -e %s >>%s 2>&1")
        :format(quote(M.nginx), quote(prefix), quote(prefix .. "/nginx.conf"), quote(prefix .. "/error.log"),
          quote(prefix .. "/start.log"))) then
      self.url = "http://127.0.0.1:" .. self.port
      -- Wait until the worker answers.
      for _ = 1, 100 do
        local r = self:fetch({ "/result?key=ping" }, false, 1)
        if r.results[1].status == 200 then return self end
        run("sleep 0.05")
      end
      last_err = "nginx started but does not answer"
      break
    end
    last_err = read_file(prefix .. "/start.log") or ""
    if not last_err:find("Address already in use", 1, true) then break end
  end
  local log = (read_file(prefix .. "/error.log") or "") .. (read_file(prefix .. "/start.log") or "")
  self:stop()
  error("nginx did not start: " .. tostring(last_err) .. "\n" .. log, 2)
end

--- This process's pid (the Lua interpreter running busted).
function M.own_pid()
  local p = assert(io.popen("echo $PPID", "r")) -- the parent of popen's shell: this process
  local out = p:read("*a")
  p:close()
  return tonumber(out:match("%d+"))
end

--- GET each path (concurrently unless `sequential`): the decoded output of load.py.
function Server:fetch(paths, sequential, timeout)
  local args = {}
  for i, p in ipairs(paths) do args[i] = quote(self.url .. p) end
  local cmd = ("%s %s %s--timeout %s %s"):format(quote(M.python), quote(M.root .. "/spec/nginx/load.py"),
    sequential and "--sequential " or "", tostring(timeout or 60), table.concat(args, " "))
  local out = capture(cmd)
  local ok, decoded = pcall(cjson.decode, out)
  if not ok then error("load.py failed: " .. out, 2) end
  return decoded
end

--- GET one path: the decoded JSON body (error if the status is not 200).
function Server:get(path, timeout)
  local r = self:fetch({ path }, true, timeout).results[1]
  if r.status ~= 200 then
    error(("GET %s: %s %s\n%s"):format(path, tostring(r.status), tostring(r.error or r.body), self:log()), 2)
  end
  return cjson.decode(r.body)
end

--- nginx's error log so far.
function Server:log()
  return read_file(self.prefix .. "/error.log") or ""
end

--- Stop nginx (graceful, then forced) and remove the prefix. Idempotent.
function Server:stop()
  if self.stopped then return end
  self.stopped = true
  local pid = tonumber((read_file(self.prefix .. "/nginx.pid") or ""):match("%d+"))
  local function alive()
    local stat = read_file("/proc/" .. pid .. "/stat")
    return stat ~= nil and not stat:match("%)%s+[ZX]")
  end
  if pid then
    run("kill -QUIT " .. pid .. " 2>/dev/null")
    for _ = 1, 100 do
      if not alive() then break end
      run("sleep 0.05")
    end
    if alive() then run("kill -KILL " .. pid .. " 2>/dev/null") end
  end
  if self.prefix:match("^/tmp/smk%-nginx%.") then run("rm -rf " .. quote(self.prefix)) end
end

Server.__gc = Server.stop

return M
