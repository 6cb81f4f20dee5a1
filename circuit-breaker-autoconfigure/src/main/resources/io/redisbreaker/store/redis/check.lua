-- Startup check: runs every command the breaker scripts use, on the keys of a reserved breaker that
-- no real breaker can have (its name is not a valid breaker name), and leaves nothing behind. Each
-- command runs with pcall, so one refusal does not hide the next: the reply lists them all.
-- ARGV: mode 'keys'|'index', channel, message (channel and message are read in mode 'keys' only)
-- KEYS: in mode 'keys' the reserved breaker's state, window, streak and permits keys; in mode 'index'
--   KEYS[1] = the breaker name index (another cluster slot, hence a call of its own)
-- Returns: {command, error, command, error, ...} for every refused command; empty when all ran.
local mode, channel, message = ARGV[1], ARGV[2], ARGV[3]

local refused = {}

local function try(...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then
    refused[#refused + 1] = string.upper(select(1, ...))
    refused[#refused + 1] = reply.err
  end
  return reply
end

if mode == 'index' then
  local index = KEYS[1]
  local members = try('SMEMBERS', index)
  if type(members) == 'table' and members[1] then
    -- Adding a member that is already there changes nothing, yet needs the same permission.
    try('SADD', index, members[1])
  else
    try('SADD', index, 'check')
    -- The index was empty before: removing it removes only what this check added.
    try('DEL', index)
  end
  return refused
end

try('DEL', STATE, WINDOW, STREAK, PERMITS)
try('TIME')
try('HSET', STATE, 'state', 'CLOSED', 'n', '0')
try('HMGET', STATE, 'state', 'n')
try('HGET', STATE, 'state')
try('HINCRBY', STATE, 'n', 1)
try('HDEL', STATE, 'n')
try('LPUSH', STREAK, '0')
try('LTRIM', STREAK, 0, 0)
try('LRANGE', STREAK, 0, -1)
try('LINDEX', STREAK, 0)
try('ZADD', PERMITS, 0, 'check')
try('ZCARD', PERMITS)
try('ZCOUNT', PERMITS, '-inf', '+inf')
try('ZRANGE', PERMITS, 0, 0, 'WITHSCORES')
try('ZREMRANGEBYSCORE', PERMITS, '-inf', '-1')
try('ZREM', PERMITS, 'check')
try('PERSIST', STATE)
-- Should DEL be refused, the keys still go away on their own.
try('PEXPIRE', STATE, 60000)
try('PUBLISH', channel, message)
try('DEL', STATE, WINDOW, STREAK, PERMITS)
return refused
