-- Shared by every breaker script; the Java side prepends it to each script before loading. The same
-- rules run in memory in io.redisbreaker.store.memory.BreakerStateMachine, whose methods carry the
-- names of these functions: change both the same way.
--
-- Keys of one breaker (all share the hash tag {name}, so they live in one cluster slot):
--   KEYS[1] state   HASH   state, epoch, opened_at, open_until, opens, trial_ok, changed_at, reason
--   KEYS[2] window  HASH   per-bucket counters c<start>, f<start>, s<start> named by the bucket's start
--                          time in ms, running totals c, f, s, and lo, hi: the earliest and latest start
--   KEYS[3] streak  LIST   timestamps of the current run of consecutive failures, newest first
--   KEYS[4] permits ZSET   half-open trial permits: member = permit id, score = lease expiry (ms)
--   KEYS[5] events  LIST   the breaker's last EVENTS_KEPT transitions, newest first, each
--                          "<at ms>\t<instance>\t<from>\t<to>\t<epoch>\t<reason>"
--   KEYS[6] settings HASH  hash, settings, instance: the settings the last instance to check them uses
--   KEYS[7] batches HASH   "<instance>|<run>" -> sequence of the last outcome batch merged from that run of
--                          the instance in this epoch, so a batch sent twice counts once (written by
--                          merge.lua only; cleared with the counters on every transition)
--   KEYS[8] index   ZSET   every breaker name, scored by when its keys expire (+inf while forced); in
--                          another cluster slot, so absent on Redis Cluster, where the instances list
--                          names themselves
--
-- All times are Redis server time in milliseconds, so instance clocks never decide anything.
--
-- Errors. A state hash that no script could have written fails every script with an error reply
--   BREAKER_CORRUPT <state key> field <field> = '<value>' (expected <what>)
-- (the value cut to 64 bytes; Redis appends " script: <sha>, on @user_script:<line>."). The state must be
-- one of CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED (absent means CLOSED) and epoch, opened_at,
-- open_until, opens, trial_ok absent or decimal integers; a corrupt state is never guessed at, least of
-- all as HALF_OPEN. A key of the wrong type fails with Redis' own WRONGTYPE error, to which the
-- scripts append " (key <key>)".

local STATE, WINDOW, STREAK, PERMITS, EVENTS, SETTINGS, BATCHES, INDEX = KEYS[1], KEYS[2], KEYS[3], KEYS[4],
  KEYS[5], KEYS[6], KEYS[7], KEYS[8]

-- Transitions kept per breaker: enough for an operator to see a flapping breaker's recent history.
local EVENTS_KEPT = 50

local STATES = {CLOSED = true, OPEN = true, HALF_OPEN = true, FORCED_OPEN = true, DISABLED = true}

-- The microseconds of the last TIME read, for epochs.
local now_us = nil

local function now_ms()
  local t = redis.call('TIME')
  now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- redis.call for a command on one key: same cost, but an error (WRONGTYPE) names the key.
local function call(command, key, ...)
  local reply = redis.pcall(command, key, ...)
  if type(reply) == 'table' and reply.err then
    error({err = reply.err .. ' (key ' .. key .. ')'})
  end
  return reply
end

-- Lua 5.1 numbers are doubles; format whole numbers explicitly so Redis never stores "1.7e+12".
-- Doubles hold integers exactly up to 2^53, so epochs in microseconds (~1.8e15) stay exact.
local function int(x)
  return string.format('%d', x)
end

local function corrupt(key, field, value, expected)
  error({err = string.format("BREAKER_CORRUPT %s field %s = '%s' (expected %s)", key, field,
    string.sub(tostring(value), 1, 64), expected)})
end

-- A stored integer, or default when absent; anything else is corruption, never silently coerced
-- (tonumber would accept '1e3' or ' 5' and turn garbage into nil).
local function stored_int(key, field, v, default)
  if v == false or v == nil then return default end
  if not string.find(v, '^%-?%d+$') then corrupt(key, field, v, 'an integer') end
  return tonumber(v)
end

local function num(v, default)
  if v == false or v == nil then return default end
  return tonumber(v)
end

local function read_state()
  local v = call('HMGET', STATE, 'state', 'epoch', 'opened_at', 'open_until', 'opens', 'trial_ok')
  local state = v[1] or 'CLOSED'
  if not STATES[state] then
    corrupt(STATE, 'state', state, 'CLOSED, OPEN, HALF_OPEN, FORCED_OPEN or DISABLED')
  end
  return {
    state = state,
    epoch = stored_int(STATE, 'epoch', v[2], 0),
    opened_at = stored_int(STATE, 'opened_at', v[3], 0),
    open_until = stored_int(STATE, 'open_until', v[4], 0),
    opens = stored_int(STATE, 'opens', v[5], 0),
    trial_ok = stored_int(STATE, 'trial_ok', v[6], 0),
  }
end

local function refresh_ttl(ttl_ms)
  for _, key in ipairs({STATE, WINDOW, STREAK, PERMITS, EVENTS}) do
    redis.call('PEXPIRE', key, ttl_ms)
  end
end

local function clear_counters()
  redis.call('DEL', WINDOW, STREAK, PERMITS, BATCHES)
end

-- Epochs never repeat for a name, even after its keys were lost (FLUSHALL, expiry, failover to an
-- empty replica): a new epoch is at least the current Redis time in microseconds, so a permit or an
-- outcome from a forgotten period can never match a new one.
local function next_epoch(s)
  if now_us == nil then now_ms() end
  local epoch = s.epoch + 1
  if now_us > epoch then epoch = now_us end
  s.epoch = epoch
  return epoch
end

-- Moves the breaker to a new state and epoch, publishes the transition and returns it.
-- Outcomes of calls admitted under an older epoch are ignored from then on.
local function transition(s, to, now, reason, fields, channel, name, origin)
  local from = s.state
  next_epoch(s)
  s.state = to
  call('HSET', STATE, 'state', to, 'epoch', int(s.epoch), 'changed_at', int(now), 'reason', reason)
  if fields then
    call('HSET', STATE, unpack(fields))
  end
  clear_counters()
  call('LPUSH', EVENTS, table.concat({int(now), origin, from, to, int(s.epoch), reason}, '\t'))
  call('LTRIM', EVENTS, 0, EVENTS_KEPT - 1)
  if channel ~= '' then
    redis.call('PUBLISH', channel, table.concat({name, from, to, int(s.epoch), origin, reason}, '\t'))
  end
  return {from, to, reason}
end

-- Versions before 0.2 kept the index as a set of names. It becomes a sorted set, each name scored as
-- its state's lifetime says (+inf while forced or disabled, else when its state expires); a name without
-- stored state is listed again by its next write. With prefix '' (Redis Cluster, where a script may not
-- touch the breakers' keys from the index's slot) the old set is dropped and the instances list the
-- names they use again. SMEMBERS and PTTL run only here, once, and a refusal only drops the set.
local function migrate_index(index, prefix)
  local members = redis.pcall('SMEMBERS', index)
  redis.call('DEL', index)
  if prefix == '' or type(members) ~= 'table' or members.err then return end
  local now = now_ms()
  for _, member in ipairs(members) do
    local ttl = redis.pcall('PTTL', prefix .. '{' .. member .. '}')
    if ttl == -1 then
      redis.call('ZADD', index, '+inf', member)
    elseif type(ttl) == 'number' and ttl > 0 then
      redis.call('ZADD', index, int(now + ttl), member)
    end
  end
end

-- Whether a name is listed in the index, or may be: the index holds fewer than max_breakers names.
-- Always true on Redis Cluster, where the scripts cannot see the index.
local function may_list(name, max_breakers)
  if INDEX == nil then return true end
  local known = redis.pcall('ZSCORE', INDEX, name)
  if type(known) == 'table' and known.err then
    migrate_index(INDEX, string.sub(STATE, 1, #STATE - #name - 2))
    known = call('ZSCORE', INDEX, name)
  end
  return known ~= false or call('ZCARD', INDEX) < max_breakers
end

-- Lists the breaker in the index, scored by when its keys expire, so the index heals itself (a name
-- whose first use was during an outage, or lost to FLUSHALL, is listed again by its next write) and
-- forgets names nobody uses. A name not yet listed enters only while the index holds fewer than
-- max_breakers names; listable says the caller already asked may_list (and it said yes).
local function list_in_index(name, max_breakers, expires_at, listable)
  if INDEX ~= nil and (listable or may_list(name, max_breakers)) then
    call('ZADD', INDEX, expires_at, name)
  end
end

-- Keeps a breaker's keys alive for at least the key TTL, and its name in the index as long. A breaker
-- that is not closed keeps them for as long as it needs them: HALF_OPEN for max(key TTL, window,
-- longest live trial lease), OPEN for its remaining open time plus max(key TTL, window). Otherwise a
-- short key-ttl lets it expire into CLOSED, silently and with trials still running. Forced states
-- never expire.
-- window_ms: the sliding window, or nil when the script does not know it; listable: see list_in_index.
local function keep_alive(s, now, ttl_ms, window_ms, name, max_breakers, listable)
  if s.state == 'FORCED_OPEN' or s.state == 'DISABLED' then
    call('PERSIST', STATE)
    call('PERSIST', EVENTS)
    list_in_index(name, max_breakers, '+inf', listable)
    return
  end
  local ttl = ttl_ms
  if s.state ~= 'CLOSED' and window_ms and window_ms > ttl then ttl = window_ms end
  if s.state == 'OPEN' then
    ttl = math.max(s.open_until - now, 0) + ttl
  elseif s.state == 'HALF_OPEN' then
    local last = call('ZRANGE', PERMITS, -1, -1, 'WITHSCORES')
    if last[2] and tonumber(last[2]) - now > ttl then ttl = tonumber(last[2]) - now end
  end
  refresh_ttl(ttl)
  list_in_index(name, max_breakers, int(now + ttl), listable)
end

-- Like keep_alive for an outcome that left a CLOSED breaker CLOSED and wrote no failure stamp (a success,
-- or a batch without failures): when the keys and the index entry were refreshed less than a tenth of the
-- key TTL ago (the window's field r holds when), they are left as they are: one HGET instead of five
-- PEXPIREs and a ZADD on the common path. A window recreated since (after it aged out) has no r,
-- so it gets the full refresh, and with it a TTL.
local function keep_alive_closed(s, now, ttl_ms, window_ms, name, max_breakers, listable)
  if s.state == 'CLOSED' then
    local refreshed = tonumber(call('HGET', WINDOW, 'r') or '')
    if refreshed and refreshed <= now and now - refreshed < ttl_ms / 10 then return end
    keep_alive(s, now, ttl_ms, window_ms, name, max_breakers, listable)
    -- Only on a window that exists and so has just got its TTL: a trial success that closed the breaker
    -- deleted it, and r alone would make a key without a TTL.
    if redis.call('EXISTS', WINDOW) == 1 then call('HSET', WINDOW, 'r', int(now)) end
    return
  end
  keep_alive(s, now, ttl_ms, window_ms, name, max_breakers, listable)
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

-- Time-bucketed sliding window. Buckets are named by their start time in ms, so instances whose
-- windows (and so bucket sizes) differ during a rolling change still agree on what each bucket
-- covers. A bucket counts while its start lies in [start of the oldest bucket of this instance's
-- window, now]: older ones aged out, later ones were written before the Redis clock moved back.
local function bucket_start(now, bucket_ms)
  return now - now % bucket_ms
end

local function window_oldest(now, window_ms, bucket_ms)
  return bucket_start(now, bucket_ms) - (math.ceil(window_ms / bucket_ms) - 1) * bucket_ms
end

-- Every bucket of the window with its counts, from a full read (only when some may be out of range).
local function window_buckets()
  local all = call('HGETALL', WINDOW)
  local buckets = {}
  for i = 1, #all, 2 do
    local kind, start = string.match(all[i], '^([cfs])(%d+)$')
    if kind then
      local b = buckets[start]
      if b == nil then
        b = {c = 0, f = 0, s = 0, start = tonumber(start)}
        buckets[start] = b
      end
      b[kind] = stored_int(WINDOW, all[i], all[i + 1], 0)
    end
  end
  return buckets
end

-- Drops the buckets outside the window and returns the earliest and latest bucket start left (nil
-- when the window is empty). The common case reads lo and hi and finds nothing out of range: O(1);
-- only when a bucket aged out (once per bucket period) or the clock moved back is the hash walked.
local function window_evict(now, window_ms, bucket_ms)
  local oldest = window_oldest(now, window_ms, bucket_ms)
  local v = call('HMGET', WINDOW, 'lo', 'hi', 'c')
  local lo, hi = stored_int(WINDOW, 'lo', v[1], nil), stored_int(WINDOW, 'hi', v[2], nil)
  if lo == nil or hi == nil then
    -- Empty, or counts without bounds (written by an older version): start afresh.
    if v[3] then call('DEL', WINDOW) end
    return nil, nil
  end
  if lo >= oldest and hi <= now then return lo, hi end
  if hi < oldest or lo > now then
    call('DEL', WINDOW)
    return nil, nil
  end
  local c, f, sl = 0, 0, 0
  local dropped = {}
  local new_lo, new_hi = nil, nil
  for start, b in pairs(window_buckets()) do
    if b.start < oldest or b.start > now then
      c, f, sl = c + b.c, f + b.f, sl + b.s
      dropped[#dropped + 1] = 'c' .. start
      dropped[#dropped + 1] = 'f' .. start
      dropped[#dropped + 1] = 's' .. start
    else
      if new_lo == nil or b.start < new_lo then new_lo = b.start end
      if new_hi == nil or b.start > new_hi then new_hi = b.start end
    end
  end
  if new_lo == nil then
    call('DEL', WINDOW)
    return nil, nil
  end
  if #dropped > 0 then call('HDEL', WINDOW, unpack(dropped)) end
  if c > 0 then call('HINCRBY', WINDOW, 'c', -c) end
  if f > 0 then call('HINCRBY', WINDOW, 'f', -f) end
  if sl > 0 then call('HINCRBY', WINDOW, 's', -sl) end
  call('HSET', WINDOW, 'lo', int(new_lo), 'hi', int(new_hi))
  return new_lo, new_hi
end

-- Read-only view of the window totals (for snapshots): the running totals when every bucket is in
-- range, else the sum of the buckets that are.
local function window_totals(now, window_ms, bucket_ms)
  local oldest = window_oldest(now, window_ms, bucket_ms)
  local v = call('HMGET', WINDOW, 'lo', 'hi', 'c', 'f', 's')
  local lo, hi = stored_int(WINDOW, 'lo', v[1], nil), stored_int(WINDOW, 'hi', v[2], nil)
  if lo == nil or hi == nil then return 0, 0, 0 end
  if lo >= oldest and hi <= now then
    return num(v[3], 0), num(v[4], 0), num(v[5], 0)
  end
  local c, f, sl = 0, 0, 0
  for _, b in pairs(window_buckets()) do
    if b.start >= oldest and b.start <= now then
      c, f, sl = c + b.c, f + b.f, sl + b.s
    end
  end
  return c, f, sl
end

-- Failures of the current consecutive run that are inside the window: a stamp counts only if
-- now - window < t <= now, so stamps written before the clock moved back do not.
local function count_in_window(stamps, now, window_ms)
  local n = 0
  for _, t in ipairs(stamps) do
    local stamp = stored_int(STREAK, 'stamp', t, 0)
    if stamp > now - window_ms and stamp <= now then n = n + 1 end
  end
  return n
end

local function streak_in_window(now, window_ms)
  return count_in_window(call('LRANGE', STREAK, 0, -1), now, window_ms)
end

-- Counts calls of a CLOSED breaker and says why it must open, or nil. One outcome (record.lua) or a
-- batch of them (merge.lua): n calls, f of them recorded failures, sl slow; the run of consecutive
-- failures is ended first when reset (a success), then extended by run failures. c holds the
-- thresholds: failure_threshold, window_ms, bucket_ms, failure_rate_threshold, minimum_calls,
-- slow_call_rate_threshold.
local function count_closed(now, n, f, sl, run, reset, c)
  local lo, hi = window_evict(now, c.window_ms, c.bucket_ms)
  local start = bucket_start(now, c.bucket_ms)
  local bucket = int(start)
  if lo == nil then
    call('HSET', WINDOW, 'lo', bucket, 'hi', bucket)
  elseif start < lo then
    call('HSET', WINDOW, 'lo', bucket)
  elseif start > hi then
    call('HSET', WINDOW, 'hi', bucket)
  end
  local calls = call('HINCRBY', WINDOW, 'c', n)
  call('HINCRBY', WINDOW, 'c' .. bucket, n)
  local totals = call('HMGET', WINDOW, 'f', 's')
  local failures = tonumber(totals[1] or '0')
  local slow = tonumber(totals[2] or '0')
  if f > 0 then
    failures = call('HINCRBY', WINDOW, 'f', f)
    call('HINCRBY', WINDOW, 'f' .. bucket, f)
  end
  if sl > 0 then
    slow = call('HINCRBY', WINDOW, 's', sl)
    call('HINCRBY', WINDOW, 's' .. bucket, sl)
  end
  local reason = nil
  if reset then call('DEL', STREAK) end
  if run > 0 then
    -- The list holds at most failure_threshold stamps; only when it is full can the run be long
    -- enough, and then every stamp must lie inside the window (stamps from before the clock moved
    -- back do not, and are pushed out by the next failures).
    local stamps = {}
    for i = 1, math.min(run, c.failure_threshold) do stamps[i] = int(now) end
    local length = call('LPUSH', STREAK, unpack(stamps))
    if length > c.failure_threshold then call('LTRIM', STREAK, 0, c.failure_threshold - 1) end
    if length >= c.failure_threshold
        and count_in_window(call('LRANGE', STREAK, 0, -1), now, c.window_ms) >= c.failure_threshold then
      reason = string.format('failures: %d/%d', c.failure_threshold, c.failure_threshold)
    end
  end
  if reason == nil and calls >= c.minimum_calls then
    local failure_rate = failures * 100 / calls
    local slow_rate = slow * 100 / calls
    if failure_rate >= c.failure_rate_threshold then
      reason = string.format('failure rate: %.1f%% >= %.1f%% of %d calls', failure_rate, c.failure_rate_threshold,
        calls)
    elseif slow_rate >= c.slow_call_rate_threshold then
      reason = string.format('slow call rate: %.1f%% >= %.1f%% of %d calls', slow_rate, c.slow_call_rate_threshold,
        calls)
    end
  end
  return reason
end
