-- Operator commands: FORCE_OPEN and DISABLE hold until released and never expire; CLOSE returns to
-- normal operation with fresh counters (force close and reset). Every command starts a new epoch, even
-- one that finds the breaker in its target state already: outcomes of calls admitted before a reset
-- must not count after it.
-- ARGV: command, reason, ttl_ms, channel, name, origin, max_breakers
-- Returns: {state, epoch, from, to, reason}
local command, reason, ttl_ms, channel, name, origin = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local max_breakers = tonumber(ARGV[7])
local targets = {FORCE_OPEN = 'FORCED_OPEN', DISABLE = 'DISABLED', CLOSE = 'CLOSED'}
local target = targets[command]
if target == nil then
  return redis.error_reply('ERR unknown breaker command ' .. tostring(command))
end

local s = read_state()
local now = now_ms()
local moved = {'', '', ''}
if s.state == target then
  -- Repeating a command tells no one (the state is the same), but it starts a new epoch and a CLOSE
  -- clears the counts, so what was admitted before no longer counts.
  call('HSET', STATE, 'state', s.state, 'epoch', int(next_epoch(s)))
  if target == 'CLOSED' then clear_counters() end
else
  moved = transition(s, target, now, reason, {'opens', '0', 'trial_ok', '0', 'open_until', '0'}, channel, name, origin)
end
keep_alive(s, now, ttl_ms, nil, name, max_breakers)
return {s.state, s.epoch, moved[1], moved[2], moved[3]}
