-- Merges a batch of one instance's outcomes of a CLOSED breaker (consistency bounded), and answers the
-- state the instance's local view adopts. A batch without calls only reads.
-- ARGV: epoch, sequence, calls, failures, slow, trailing_failures, had_success 0|1, failure_threshold,
--       window_ms, bucket_ms, failure_rate_threshold, minimum_calls, slow_call_rate_threshold, open_ms,
--       open_multiplier, max_open_ms, ttl_ms, channel, name, origin, max_breakers, min_instances, run
-- Returns: {counted 0|1, state, epoch, from, to, reason, open_remaining_ms, calls, failures, slow_calls,
--           streak, held_back}
-- held_back: why the breaker would have opened when fewer than min_instances instances reported
-- failures inside the window (the instance then opens for itself alone), else ''. Each instance's last
-- failure is kept in the batches hash as field 'f:<instance>'.
-- The batch counts only in the epoch its calls were admitted in, only while CLOSED, and only once: the
-- sequence of the last batch merged from each instance is kept in the batches hash (cleared with the
-- counters at every transition), so a batch sent again after a lost reply is recognised. It is kept per
-- run of the instance (run: random per process), as sequences only grow within one run: a restarted
-- instance, maybe with its clock hours behind, numbers its batches anew, and they must count.
local epoch, sequence = tonumber(ARGV[1]), tonumber(ARGV[2])
local calls, failures, slow = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local trailing_failures = tonumber(ARGV[6])
local had_success = ARGV[7]
local failure_threshold, window_ms, bucket_ms = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local failure_rate_threshold, minimum_calls = tonumber(ARGV[11]), tonumber(ARGV[12])
local slow_call_rate_threshold = tonumber(ARGV[13])
local open_ms, open_multiplier, max_open_ms = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local ttl_ms = tonumber(ARGV[17])
local channel, name, origin = ARGV[18], ARGV[19], ARGV[20]
local max_breakers = tonumber(ARGV[21])
local min_instances = tonumber(ARGV[22])
local run = ARGV[23]
local sent_by = origin .. '|' .. run
local thresholds = {failure_threshold = failure_threshold, window_ms = window_ms, bucket_ms = bucket_ms,
  failure_rate_threshold = failure_rate_threshold, minimum_calls = minimum_calls,
  slow_call_rate_threshold = slow_call_rate_threshold}

-- Instances that sent a batch in this epoch are few; this bounds the hash if ids keep changing (a
-- generated id per restart) during a very long closed period. Clearing it only forgets which batches
-- were seen, for one flush.
local BATCHES_KEPT = 256

local s = read_state()
local now = now_ms()
local counted = 0
local moved = {'', '', ''}
local held_back = ''

local function answer()
  local remaining = 0
  if s.state == 'OPEN' then remaining = math.max(s.open_until - now, 0) end
  local in_window, failed, slowed = window_totals(now, window_ms, bucket_ms)
  local streak = 0
  if s.state == 'CLOSED' then streak = streak_in_window(now, window_ms) end
  return {counted, s.state, s.epoch, moved[1], moved[2], moved[3], remaining, in_window, failed, slowed, streak,
    held_back}
end

if (calls == 0 and had_success ~= '1') or epoch ~= s.epoch or s.state ~= 'CLOSED' then
  return answer()
end
local seen = call('HGET', BATCHES, sent_by)
if seen and tonumber(seen) >= sequence then
  return answer()
end
local listable = may_list(name, max_breakers)
if not listable then
  -- A breaker the fleet has no room for protects nothing: its outcomes leave no keys behind.
  return answer()
end

-- '#' counts the instance runs listed (HSET answers 1 for a new field).
if call('HSET', BATCHES, sent_by, int(sequence)) == 1 and call('HINCRBY', BATCHES, '#', 1) > BATCHES_KEPT then
  redis.call('DEL', BATCHES)
  call('HSET', BATCHES, sent_by, int(sequence), '#', 1)
end
counted = 1
local failing_here = failures > 0 or trailing_failures > 0
if failing_here then call('HSET', BATCHES, 'f:' .. origin, int(now)) end
local reason = count_closed(now, calls, failures, slow, trailing_failures, had_success == '1', thresholds)
if reason and min_instances > 1 and not failing_here then
  -- A batch without failures does not open anything while too few instances are failing, here or shared:
  -- the instances that fail open for themselves when their own batches arrive.
  reason = nil
elseif reason and min_instances > 1 then
  -- The blast-radius guard: one instance's own trouble (its network, its bug) must not stop the fleet.
  local failing = 0
  local fields = call('HGETALL', BATCHES)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'f:' and tonumber(fields[i + 1]) > now - window_ms then
      failing = failing + 1
    end
  end
  if failing < min_instances then
    held_back = string.format('%s, but only %d of %d instances failing', reason, failing, min_instances)
    reason = nil
  end
end
if reason then
  moved = open(s, now, reason, open_ms, open_multiplier, max_open_ms, false, channel, name, origin)
end
if trailing_failures > 0 then
  keep_alive(s, now, ttl_ms, window_ms, name, max_breakers, listable)
else
  keep_alive_closed(s, now, ttl_ms, window_ms, name, max_breakers, listable)
end
if s.state == 'CLOSED' then redis.call('PEXPIRE', BATCHES, ttl_ms) end
return answer()
