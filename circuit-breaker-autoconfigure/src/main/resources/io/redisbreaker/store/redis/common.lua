-- Shared by every breaker script; the Java side prepends it to each script before loading.
--
-- Keys of one breaker (all share the hash tag {name}, so they live in one cluster slot):
--   KEYS[1] state   HASH   state, epoch, opened_at, open_until, opens, trial_ok, changed_at, reason
--   KEYS[2] window  HASH   per-bucket counters c<b>, f<b>, s<b>, running totals c, f, s, and head
--   KEYS[3] streak  LIST   timestamps of the current run of consecutive failures, newest first
--   KEYS[4] permits ZSET   half-open trial permits: member = permit id, score = lease expiry (ms)
--
-- All times are Redis server time in milliseconds, so instance clocks never decide anything.

local STATE, WINDOW, STREAK, PERMITS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Lua 5.1 numbers are doubles; format whole numbers explicitly so Redis never stores "1.7e+12".
local function int(x)
  return string.format('%d', x)
end

local function num(v, default)
  if v == false or v == nil then return default end
  return tonumber(v)
end

local function read_state()
  local v = redis.call('HMGET', STATE, 'state', 'epoch', 'opened_at', 'open_until', 'opens', 'trial_ok')
  return {
    state = v[1] or 'CLOSED',
    epoch = num(v[2], 0),
    opened_at = num(v[3], 0),
    open_until = num(v[4], 0),
    opens = num(v[5], 0),
    trial_ok = num(v[6], 0),
  }
end

local function refresh_ttl(ttl_ms)
  for _, key in ipairs({STATE, WINDOW, STREAK, PERMITS}) do
    redis.call('PEXPIRE', key, ttl_ms)
  end
end

local function clear_counters()
  redis.call('DEL', WINDOW, STREAK, PERMITS)
end

-- Moves the breaker to a new state and epoch, publishes the transition and returns it.
-- Outcomes of calls admitted under an older epoch are ignored from then on.
local function transition(s, to, now, reason, fields, channel, name, origin)
  local from = s.state
  s.epoch = s.epoch + 1
  s.state = to
  redis.call('HSET', STATE, 'state', to, 'epoch', int(s.epoch), 'changed_at', int(now), 'reason', reason)
  if fields then
    redis.call('HSET', STATE, unpack(fields))
  end
  clear_counters()
  if channel ~= '' then
    redis.call('PUBLISH', channel, table.concat({name, from, to, int(s.epoch), origin, reason}, '\t'))
  end
  return {from, to, reason}
end

-- Keeps a state key alive for at least its configured TTL and for as long as it stays OPEN.
local function keep_alive(s, now, ttl_ms)
  if s.state == 'FORCED_OPEN' or s.state == 'DISABLED' then
    redis.call('PERSIST', STATE)
    return
  end
  local ttl = ttl_ms
  if s.state == 'OPEN' and s.open_until - now + ttl_ms > ttl then
    ttl = s.open_until - now + ttl_ms
  end
  refresh_ttl(ttl)
end

local function open(s, now, reason, open_ms, multiplier, max_open_ms, from_trial, channel, name, origin)
  local opens = 0
  if from_trial then opens = s.opens + 1 end
  local duration = math.floor(open_ms * (multiplier ^ opens))
  if duration > max_open_ms then duration = max_open_ms end
  s.open_until = now + duration
  s.opens = opens
  return transition(s, 'OPEN', now, reason,
    {'opened_at', int(now), 'open_until', int(s.open_until), 'opens', int(opens), 'trial_ok', '0'},
    channel, name, origin)
end

-- Time-bucketed sliding window: counts age out bucket by bucket, and running totals keep reads O(1).
-- Evicting walks only buckets that fell out since the last write, so the cost is amortised O(1).
local function window_evict(now, window_ms, bucket_ms)
  local buckets = math.ceil(window_ms / bucket_ms)
  local oldest = math.floor(now / bucket_ms) - buckets + 1
  local head = num(redis.call('HGET', WINDOW, 'head'), nil)
  if head == nil then
    redis.call('HSET', WINDOW, 'head', int(oldest))
    return
  end
  if head >= oldest then return end
  if oldest - head >= buckets then
    redis.call('DEL', WINDOW)
  else
    for b = head, oldest - 1 do
      local c, f, sl = 'c' .. int(b), 'f' .. int(b), 's' .. int(b)
      local v = redis.call('HMGET', WINDOW, c, f, sl)
      if v[1] then redis.call('HINCRBY', WINDOW, 'c', -tonumber(v[1])) end
      if v[2] then redis.call('HINCRBY', WINDOW, 'f', -tonumber(v[2])) end
      if v[3] then redis.call('HINCRBY', WINDOW, 's', -tonumber(v[3])) end
      redis.call('HDEL', WINDOW, c, f, sl)
    end
  end
  redis.call('HSET', WINDOW, 'head', int(oldest))
end

-- Read-only view of the window totals (for snapshots): sums the buckets still inside the window.
local function window_totals(now, window_ms, bucket_ms)
  local buckets = math.ceil(window_ms / bucket_ms)
  local current = math.floor(now / bucket_ms)
  local fields = {}
  for b = current - buckets + 1, current do
    local i = int(b)
    fields[#fields + 1] = 'c' .. i
    fields[#fields + 1] = 'f' .. i
    fields[#fields + 1] = 's' .. i
  end
  local v = redis.call('HMGET', WINDOW, unpack(fields))
  local c, f, sl = 0, 0, 0
  for i = 1, #v, 3 do
    c = c + num(v[i], 0)
    f = f + num(v[i + 1], 0)
    sl = sl + num(v[i + 2], 0)
  end
  return c, f, sl
end

-- Failures of the current consecutive run that are still inside the window.
local function streak_in_window(now, window_ms)
  local stamps = redis.call('LRANGE', STREAK, 0, -1)
  local n = 0
  for _, t in ipairs(stamps) do
    if tonumber(t) > now - window_ms then n = n + 1 end
  end
  return n
end
