package io.redisbreaker.store.redis;

import java.util.List;
import java.util.Optional;

import io.redisbreaker.core.RecordedSettings;
import org.jspecify.annotations.Nullable;

/**
 * The reply of {@code settings.lua}, in the order of its {@code -- Returns:} header: the settings
 * recorded before, all empty when there were none.
 *
 * @param previousHash their hash
 * @param previousSettings their description
 * @param previousInstance the instance that recorded them
 */
record SettingsReply(String previousHash, String previousSettings, String previousInstance) {

	static final String SCRIPT = "settings.lua";

	private static final List<String> FIELDS = ScriptArguments.names(SettingsReply.class);

	static SettingsReply parse(@Nullable List<Object> reply) {
		ReplyReader read = ReplyReader.of(SCRIPT, FIELDS, reply);
		SettingsReply parsed = new SettingsReply(read.text(), read.text(), read.text());
		read.end(null, null);
		return parsed;
	}

	Optional<RecordedSettings> recorded() {
		return this.previousHash.isEmpty() ? Optional.empty()
				: Optional.of(new RecordedSettings(this.previousHash, this.previousSettings, this.previousInstance));
	}

}
