-- Decides whether one call may run.
-- ARGV: permit_id, half_open_max_calls, permit_lease_ms, ttl_ms, channel, name, origin, window_ms, max_breakers
-- Returns: {allowed 0|1, state, epoch, permit 0|1, retry_after_ms, from, to, reason}
-- CLOSED, DISABLED and FORCED_OPEN decide without writing anything: the common path is a read.
-- Acquiring again with a permit id that holds a live permit answers as the first time did (allowed,
-- same epoch, lease renewed): a retry after a lost reply must not lock its caller out of its own slot.
local permit_id, half_open_max_calls, permit_lease_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl_ms = tonumber(ARGV[4])
local channel, name, origin, window_ms = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local max_breakers = tonumber(ARGV[9])

local s = read_state()
if s.state == 'CLOSED' or s.state == 'DISABLED' then
  return {1, s.state, s.epoch, 0, 0, '', '', ''}
end
if s.state == 'FORCED_OPEN' then
  return {0, s.state, s.epoch, 0, -1, '', '', ''}
end

local now = now_ms()
local moved = {'', '', ''}
if s.state == 'OPEN' then
  if now < s.open_until then
    return {0, s.state, s.epoch, 0, s.open_until - now, '', '', ''}
  end
  moved = transition(s, 'HALF_OPEN', now, string.format('timeout: %.1fs', (now - s.opened_at) / 1000),
    {'trial_ok', '0'}, channel, name, origin)
  s.trial_ok = 0
end

-- HALF_OPEN: at most half_open_max_calls trial calls per epoch across all instances. A permit is a
-- lease, so a holder that dies mid-call gives its slot back when the lease runs out.
call('ZREMRANGEBYSCORE', PERMITS, '-inf', now)
local allowed, permit, retry_after = 0, 0, 0
if call('ZSCORE', PERMITS, permit_id) then
  call('ZADD', PERMITS, now + permit_lease_ms, permit_id)
  allowed, permit = 1, 1
elseif call('ZCARD', PERMITS) + s.trial_ok < half_open_max_calls then
  call('ZADD', PERMITS, now + permit_lease_ms, permit_id)
  allowed, permit = 1, 1
else
  local first = call('ZRANGE', PERMITS, 0, 0, 'WITHSCORES')
  if first[2] then retry_after = tonumber(first[2]) - now else retry_after = -1 end
end
keep_alive(s, now, ttl_ms, window_ms, name, max_breakers)
return {allowed, s.state, s.epoch, permit, retry_after, moved[1], moved[2], moved[3]}
