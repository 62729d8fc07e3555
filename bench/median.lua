--- The median of a list of numbers (nil for an empty list); the list is not
-- modified. Shared by bench/run.lua and bench/worker.lua.
return function(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  if n == 0 then return nil end
  if n % 2 == 1 then return s[(n + 1) // 2] end
  return (s[n // 2] + s[n // 2 + 1]) / 2
end
