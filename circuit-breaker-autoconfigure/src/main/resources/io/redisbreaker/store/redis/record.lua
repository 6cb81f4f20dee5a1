-- Records the outcome of one call admitted under (epoch, permit).
-- ARGV: epoch, permit_id|'', outcome S|F|SS|SF|I (success, failure, slow success, slow failure, ignored),
--       failure_threshold, success_threshold, window_ms, bucket_ms, failure_rate_threshold, minimum_calls,
--       slow_call_rate_threshold, open_ms, open_multiplier, max_open_ms, ttl_ms, channel, name, origin,
--       max_breakers
-- Returns: {counted 0|1, state, epoch, from, to, reason}
local epoch, permit_id, outcome = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local failure_threshold, success_threshold = tonumber(ARGV[4]), tonumber(ARGV[5])
local window_ms, bucket_ms = tonumber(ARGV[6]), tonumber(ARGV[7])
local failure_rate_threshold, minimum_calls = tonumber(ARGV[8]), tonumber(ARGV[9])
local slow_call_rate_threshold = tonumber(ARGV[10])
local open_ms, open_multiplier, max_open_ms = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local ttl_ms = tonumber(ARGV[14])
local channel, name, origin = ARGV[15], ARGV[16], ARGV[17]
local max_breakers = tonumber(ARGV[18])

local s = read_state()
local released = 0
if permit_id ~= '' then
  released = call('ZREM', PERMITS, permit_id)
end
-- An outcome from an earlier epoch belongs to a state that no longer exists: it must not count.
if epoch ~= s.epoch or outcome == 'I' then
  return {0, s.state, s.epoch, '', '', ''}
end

-- A breaker the fleet has no room for (max_breakers names listed) protects nothing: its outcomes leave
-- no keys behind.
local listable = nil
if s.state == 'CLOSED' then
  listable = may_list(name, max_breakers)
  if not listable then
    return {0, s.state, s.epoch, '', '', ''}
  end
end

local failed = outcome ~= 'S'
local now = now_ms()
local moved = {'', '', ''}

if s.state == 'CLOSED' then
  local thresholds = {failure_threshold = failure_threshold, window_ms = window_ms, bucket_ms = bucket_ms,
    failure_rate_threshold = failure_rate_threshold, minimum_calls = minimum_calls,
    slow_call_rate_threshold = slow_call_rate_threshold}
  local f, sl, run = 0, 0, 0
  if outcome == 'F' or outcome == 'SF' then f = 1 end
  if outcome == 'SS' or outcome == 'SF' then sl = 1 end
  if failed then run = 1 end
  local reason = count_closed(now, 1, f, sl, run, not failed, thresholds)
  if reason then
    moved = open(s, now, reason, open_ms, open_multiplier, max_open_ms, false, channel, name, origin)
  end
elseif s.state == 'HALF_OPEN' then
  -- A failed trial reopens even if its lease ran out meanwhile (a slow failure is still a failure);
  -- a success counts only with a live permit, since an expired slot was handed to another call.
  if released == 0 and not failed then
    return {0, s.state, s.epoch, '', '', ''}
  end
  if failed then
    moved = open(s, now, 'trial call failed', open_ms, open_multiplier, max_open_ms, true, channel, name, origin)
  else
    s.trial_ok = call('HINCRBY', STATE, 'trial_ok', 1)
    if s.trial_ok >= success_threshold then
      moved = transition(s, 'CLOSED', now, string.format('trial successes: %d/%d', s.trial_ok, success_threshold),
        {'opens', '0', 'trial_ok', '0'}, channel, name, origin)
    end
  end
else
  -- OPEN, FORCED_OPEN and DISABLED record nothing.
  return {0, s.state, s.epoch, '', '', ''}
end

if failed then
  keep_alive(s, now, ttl_ms, window_ms, name, max_breakers, listable)
else
  keep_alive_closed(s, now, ttl_ms, window_ms, name, max_breakers, listable)
end
return {1, s.state, s.epoch, moved[1], moved[2], moved[3]}
