-- Records the settings an instance uses for a breaker and answers those recorded before, so instances
-- whose settings for one name differ (a rolling deploy, a typo in one profile) find out. The last
-- instance to check wins: the record says what is in force for most calls once a deploy is done.
-- ARGV: hash, settings, instance, ttl_ms
-- Returns: {previous_hash|'', previous_settings|'', previous_instance|''}
local hash, settings, instance, ttl_ms = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local before = call('HMGET', SETTINGS, 'hash', 'settings', 'instance')
call('HSET', SETTINGS, 'hash', hash, 'settings', settings, 'instance', instance)
call('PEXPIRE', SETTINGS, ttl_ms)
return {before[1] or '', before[2] or '', before[3] or ''}
