-- Reads a breaker's state and counts without changing anything.
-- ARGV: window_ms, bucket_ms
-- Returns: {state, epoch, now, opened_at, open_until, changed_at, reason, opens, trial_ok,
--           permits_in_flight, streak, calls, failures, slow_calls, live 0|1, settings_hash|''}
-- live: whether any of the breaker's state or counts is stored (a breaker nobody used, or whose keys
-- expired, is CLOSED with nothing stored).
local window_ms, bucket_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local s = read_state()
local now = now_ms()
local extra = call('HMGET', STATE, 'changed_at', 'reason')
local in_flight = call('ZCOUNT', PERMITS, '(' .. int(now), '+inf')
local calls, failures, slow = window_totals(now, window_ms, bucket_ms)
local live = redis.call('EXISTS', STATE, WINDOW, STREAK, PERMITS)
if live > 0 then live = 1 end
local settings_hash = call('HGET', SETTINGS, 'hash') or ''
return {s.state, s.epoch, now, s.opened_at, s.open_until, num(extra[1], 0), extra[2] or '', s.opens, s.trial_ok,
  in_flight, streak_in_window(now, window_ms), calls, failures, slow, live, settings_hash}
