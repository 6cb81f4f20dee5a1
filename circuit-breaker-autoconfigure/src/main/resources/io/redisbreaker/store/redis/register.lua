-- Lists a breaker name in the index when it is first used, unless the fleet already has max_breakers
-- names whose keys are alive. Names whose keys expired are removed first, so the index holds only the
-- breakers in use. A name already listed keeps the later of its expiry and now + ttl_ms: instances
-- register the breakers they use periodically, which keeps them listed where the scripts cannot
-- (Redis Cluster). Runs on the index alone: KEYS[1] is the index.
-- ARGV: name, max_breakers, ttl_ms
-- Returns: {listed 0|1}
local name, max_breakers, ttl_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local index = KEYS[1]
local now = now_ms()
local known = redis.pcall('ZSCORE', index, name)
if type(known) == 'table' and known.err then
  -- Versions before 0.2 kept the index as a set: replace it (see list_in_index in common.lua).
  redis.call('DEL', index)
elseif known then
  if tonumber(known) < now + ttl_ms then call('ZADD', index, int(now + ttl_ms), name) end
  return {1}
end
call('ZREMRANGEBYSCORE', index, '-inf', '(' .. int(now))
if call('ZCARD', index) >= max_breakers then
  return {0}
end
call('ZADD', index, int(now + ttl_ms), name)
return {1}
