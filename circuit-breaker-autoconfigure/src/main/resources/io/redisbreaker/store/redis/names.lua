-- The names in the index whose keys are still alive (scored by their expiry, +inf while forced). Reads
-- only: expired names are removed by register.lua. KEYS[1] is the index.
-- ARGV: (none)
-- Returns: {name, ...}
local index = KEYS[1]
local now = now_ms()
local names = redis.pcall('ZRANGEBYSCORE', index, int(now), '+inf')
if type(names) == 'table' and names.err then
  -- An index kept as a set by versions before 0.2 lists nothing until the next write replaces it.
  return {}
end
return names
