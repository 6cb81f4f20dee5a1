-- Lists a breaker name in the index when it is first used, unless the fleet already has max_breakers
-- names whose keys are alive. Names whose keys expired are removed first, so the index holds only the
-- breakers in use. A name already listed keeps the later of its expiry and now + ttl_ms: instances
-- register the breakers they use periodically, which keeps them listed where the scripts cannot
-- (Redis Cluster). Runs on the index alone: KEYS[1] is the index.
-- A full index is first rid of names listed as forced (+inf) whose state is gone (deleted by hand or
-- by the repair command); prefix is '' on Redis Cluster, where this script may not look at them.
-- pin '' keeps the later of a listed name's expiry and now + ttl_ms; on Redis Cluster, where the other
-- scripts cannot write the index, an operator command pins it: 'forever' (+inf, forced or disabled) or
-- 'exact' (now + ttl_ms, released again).
-- ARGV: name, max_breakers, ttl_ms, prefix|'', pin ''|'forever'|'exact'
-- Returns: {listed 0|1}
local name, max_breakers, ttl_ms, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local pin = ARGV[5]
local index = KEYS[1]
local now = now_ms()
local known = redis.pcall('ZSCORE', index, name)
if type(known) == 'table' and known.err then
  migrate_index(index, prefix)
  known = call('ZSCORE', index, name)
end
local score = int(now + ttl_ms)
if pin == 'forever' then score = '+inf' end
if known then
  if pin ~= '' or tonumber(known) < now + ttl_ms then call('ZADD', index, score, name) end
  return {1}
end
call('ZREMRANGEBYSCORE', index, '-inf', '(' .. int(now))
if call('ZCARD', index) >= max_breakers and prefix ~= '' then
  for _, forced in ipairs(call('ZRANGEBYSCORE', index, '+inf', '+inf', 'LIMIT', 0, 100)) do
    if redis.call('EXISTS', prefix .. '{' .. forced .. '}') == 0 then call('ZREM', index, forced) end
  end
end
if call('ZCARD', index) >= max_breakers then
  return {0}
end
call('ZADD', index, score, name)
return {1}
