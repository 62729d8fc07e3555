std = "max"
max_line_length = 120
files["spec/**/*.lua"] = { std = "+busted" }
exclude_files = { "build*/**", ".luarocks/**", "lua_modules/**" }
-- The nginx test server's handlers run inside ngx_lua.
files["spec/nginx/app.lua"] = { std = "+busted+ngx_lua" }
