-- Startup check: runs every command the breaker scripts use, on the keys of a reserved breaker that
-- no real breaker can have (its name is not a valid breaker name), and leaves nothing behind. Each
-- command runs with pcall, so one refusal does not hide the next: the reply lists them all.
-- ARGV: mode 'keys'|'index', channel, message, prefix|'' (channel and message are read in mode 'keys'
--   only, prefix in mode 'index' only: see migrate_index in common.lua)
-- KEYS: in mode 'keys' the reserved breaker's state, window, streak, permits, events, settings and batches keys; in
--   mode 'index' KEYS[1] = the breaker name index (another cluster slot, hence a call of its own)
-- Returns: {command, error, command, error, ...} for every refused command; empty when all ran.
local mode, channel, message, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

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
  local kind = redis.pcall('TYPE', index)
  if type(kind) == 'table' and kind.ok == 'set' then
    -- Kept as a set by versions before 0.2: the scripts migrate it, so may this check.
    migrate_index(index, prefix)
  end
  local members = try('ZRANGEBYSCORE', index, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  try('ZCARD', index)
  try('ZREMRANGEBYSCORE', index, '-inf', '-inf')
  if type(members) == 'table' and members[1] then
    -- Listing a member again with its own score changes nothing, yet needs the same permission.
    try('ZSCORE', index, members[1])
    try('ZADD', index, members[2], members[1])
  else
    try('ZSCORE', index, 'check')
    try('ZADD', index, 0, 'check')
    -- The index was empty before: removing it removes only what this check added.
    try('DEL', index)
  end
  return refused
end

try('DEL', STATE, WINDOW, STREAK, PERMITS, EVENTS, SETTINGS, BATCHES)
try('TIME')
try('HSET', STATE, 'state', 'CLOSED', 'n', '0')
try('HMGET', STATE, 'state', 'n')
try('HGETALL', STATE)
try('HGET', STATE, 'state')
try('HINCRBY', STATE, 'n', 1)
try('HDEL', STATE, 'n')
try('EXISTS', STATE, WINDOW)
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
try('DEL', STATE, WINDOW, STREAK, PERMITS, EVENTS, SETTINGS, BATCHES)
return refused
