-- After a Redis outage: a breaker that tripped locally while Redis was unreachable opens the shared
-- breaker too, unless the shared state moved on meanwhile: any transition since the epoch this
-- instance last saw (opened, tried and closed again by others, forced, disabled) stands.
-- ARGV: open_ms, reason, ttl_ms, channel, name, origin, expected_epoch, max_breakers
-- Returns: {state, epoch, from, to, reason}
local open_ms, reason, ttl_ms, channel, name, origin = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local expected_epoch = tonumber(ARGV[7])
local max_breakers = tonumber(ARGV[8])
local s = read_state()
local moved = {'', '', ''}
if s.state == 'CLOSED' and s.epoch == expected_epoch then
  local now = now_ms()
  moved = open(s, now, reason, open_ms, 1, open_ms, false, channel, name, origin)
  keep_alive(s, now, ttl_ms, nil, name, max_breakers)
end
return {s.state, s.epoch, moved[1], moved[2], moved[3]}
