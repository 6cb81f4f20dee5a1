package io.redisbreaker.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds each script's documented ARGV and reply to the Java side, so renaming, adding or moving an
 * argument or a reply value on one side only fails the build. A script's header
 * ({@code -- ARGV: a, b, c} and {@code -- Returns: {x, y, z}}, continued on lines indented past
 * {@code --}) names the values in order: an entry is its first word, and what follows it, such as
 * {@code permit_id|''} or {@code outcome S|F (...)}, describes it. The Java side's names are the
 * components of the script's *Arguments and *Reply records, in snake case. Then the script itself
 * must read exactly ARGV[1..n], each once, into a local of the header's name, and every table it
 * returns must have as many values as the header.
 */
class ScriptHeaderTests {

	private static final Path SCRIPTS = Path.of("src/main/resources/io/redisbreaker/store/redis");

	/** The scripts, with the records that carry their ARGV and reply. */
	enum Script {

		ACQUIRE("acquire.lua", AcquireArguments.class, AcquireReply.class),

		RECORD("record.lua", RecordArguments.class, RecordReply.class),

		MERGE("merge.lua", MergeArguments.class, MergeReply.class),

		OPERATE("operate.lua", OperateArguments.class, ChangeReply.class),

		RECONCILE("reconcile.lua", ReconcileArguments.class, ChangeReply.class),

		SNAPSHOT("snapshot.lua", SnapshotArguments.class, SnapshotReply.class),

		REGISTER("register.lua", RegisterArguments.class, RegisterReply.class),

		SETTINGS("settings.lua", SettingsArguments.class, SettingsReply.class),

		/** Replies one name after another. */
		NAMES("names.lua", NamesArguments.class, NamesReply.class),

		/** Replies one refusal after another, which its header writes as two and "...". */
		CHECK("check.lua", CheckArguments.class, CheckReply.Refusal.class);

		final String file;

		final Class<? extends Record> arguments;

		final Class<? extends Record> reply;

		Script(String file, Class<? extends Record> arguments, Class<? extends Record> reply) {
			this.file = file;
			this.arguments = arguments;
			this.reply = reply;
		}

		List<String> replyNames() {
			List<String> names = ScriptArguments.names(this.reply);
			if (this == NAMES) {
				List<String> repeated = new ArrayList<>(names);
				repeated.add("...");
				return repeated;
			}
			if (this != CHECK) {
				return names;
			}
			List<String> repeated = new ArrayList<>(names);
			repeated.addAll(names);
			repeated.add("...");
			return repeated;
		}

		String source() {
			return read(SCRIPTS.resolve(this.file));
		}

	}

	private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

	private static final Pattern ARGV = Pattern.compile("ARGV\\[(\\d+)\\]");

	/** {@code local a, b = ARGV[1], tonumber(ARGV[2])}: the only way a script may read its ARGV. */
	private static final Pattern READ_ARGV = Pattern
		.compile("^local ([a-z_][a-z0-9_]*(?:, [a-z_][a-z0-9_]*)*) = (.*)$");

	private static final Pattern ONE_READ = Pattern.compile("(?:tonumber\\()?ARGV\\[(\\d+)\\]\\)?");

	@Test
	void everyScriptHasItsTypes() {
		List<String> files;
		try (Stream<Path> listed = Files.list(SCRIPTS)) {
			files = listed.map((file) -> file.getFileName().toString()).filter((file) -> file.endsWith(".lua")).sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> typed = new ArrayList<>(Stream.of(Script.values()).map((script) -> script.file).toList());
		typed.add("common.lua");
		assertThat(files).containsExactlyInAnyOrderElementsOf(typed);
	}

	@ParameterizedTest
	@EnumSource(Script.class)
	void theArgvHeaderNamesTheArgumentsRecordInOrder(Script script) {
		assertThat(header(script.source(), "ARGV")).as(script.file + " ARGV")
			.containsExactlyElementsOf(ScriptArguments.names(script.arguments));
	}

	@ParameterizedTest
	@EnumSource(Script.class)
	void theReturnsHeaderNamesTheReplyRecordInOrder(Script script) {
		assertThat(header(script.source(), "Returns")).as(script.file + " Returns")
			.containsExactlyElementsOf(script.replyNames());
	}

	@ParameterizedTest
	@EnumSource(Script.class)
	void theScriptReadsEachArgumentOnceIntoALocalOfItsHeaderName(Script script) {
		String code = code(script.source());
		Map<Integer, String> read = new TreeMap<>();
		int reads = 0;
		for (String line : code.lines().toList()) {
			if (!ARGV.matcher(line).find()) {
				continue;
			}
			Matcher local = READ_ARGV.matcher(line.strip());
			assertThat(local.matches()).as(script.file + " reads ARGV only as 'local a, b = ARGV[1], ...': " + line)
				.isTrue();
			String[] names = local.group(1).split(", ");
			String[] values = local.group(2).split(",\\s*");
			assertThat(values).as(line).hasSameSizeAs(names);
			for (int i = 0; i < names.length; i++) {
				Matcher one = ONE_READ.matcher(values[i].strip());
				assertThat(one.matches()).as(script.file + ": " + values[i]).isTrue();
				String earlier = read.put(Integer.parseInt(one.group(1)), names[i]);
				assertThat(earlier).as(script.file + " reads " + values[i] + " twice").isNull();
			}
			Matcher any = ARGV.matcher(line);
			while (any.find()) {
				reads++;
			}
		}
		assertThat(reads).as(script.file + " reads ARGV outside its locals").isEqualTo(read.size());
		List<String> declared = header(script.source(), "ARGV");
		Map<Integer, String> expected = new TreeMap<>();
		for (int i = 0; i < declared.size(); i++) {
			expected.put(i + 1, declared.get(i));
		}
		assertThat(read).as(script.file + ": ARGV index to the local it is read into").isEqualTo(expected);
	}

	// check.lua and names.lua build their replies as lists, so they return no literal table to count.
	@ParameterizedTest
	@EnumSource(value = Script.class, mode = EnumSource.Mode.EXCLUDE, names = { "CHECK", "NAMES" })
	void everyTableTheScriptReturnsHasTheHeadersValues(Script script) {
		String code = code(script.source());
		int tables = 0;
		for (int at = code.indexOf("return {"); at >= 0; at = code.indexOf("return {", at + 1)) {
			tables++;
			assertThat(topLevelValues(code, at + "return ".length())).as(script.file + " at: "
					+ code.substring(at, Math.min(code.length(), at + 60)))
				.isEqualTo(script.replyNames().size());
		}
		assertThat(tables).as(script.file + " returns tables").isPositive();
	}

	@Test
	void theCommonPartReadsNoArgv() {
		assertThat(ARGV.matcher(code(read(SCRIPTS.resolve("common.lua")))).find()).isFalse();
	}

	@Test
	void headersAreReadAsDocumented() {
		String source = """
				-- Does things.
				-- ARGV: epoch, permit_id|'', outcome S|F|I (success, failure,
				--       ignored), window_ms
				--   but this line is continued too
				-- Returns: {counted 0|1, state, ...} when it works
				--  and more
				-- Not part of it: x, y
				local a = 1
				""";
		assertThat(header(source, "ARGV")).containsExactly("epoch", "permit_id", "outcome", "window_ms");
		assertThat(header(source, "Returns")).containsExactly("counted", "state", "...");
	}

	/**
	 * The names a header lists, in order.
	 * @param label {@code ARGV} or {@code Returns}
	 */
	static List<String> header(String source, String label) {
		List<String> lines = source.lines().toList();
		String prefix = "-- " + label + ":";
		List<Integer> starts = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).startsWith(prefix)) {
				starts.add(i);
			}
		}
		assertThat(starts).as("lines starting with '" + prefix + "'").hasSize(1);
		StringBuilder text = new StringBuilder(lines.get(starts.get(0)).substring(prefix.length()));
		for (int i = starts.get(0) + 1; i < lines.size() && lines.get(i).matches("--\\s{2,}\\S.*"); i++) {
			text.append(' ').append(lines.get(i).substring(2).strip());
		}
		String entries = text.toString().strip();
		if (label.equals("Returns")) {
			assertThat(entries).as(prefix + " lists its values in {}").startsWith("{").contains("}");
			entries = entries.substring(1, entries.indexOf('}'));
		}
		// Descriptions in parentheses may hold commas.
		entries = entries.replaceAll("\\([^)]*\\)", "");
		List<String> names = new ArrayList<>();
		if (entries.isBlank()) {
			return names;
		}
		for (String entry : entries.split(",")) {
			String trimmed = entry.strip();
			if (trimmed.equals("...")) {
				names.add(trimmed);
				continue;
			}
			Matcher name = NAME.matcher(trimmed);
			assertThat(name.lookingAt()).as(prefix + " entry '" + trimmed + "' starts with a name").isTrue();
			names.add(name.group());
		}
		return names;
	}

	/** The source without comments (no script has "--" inside a string). */
	private static String code(String source) {
		return source.replaceAll("(?m)--.*$", "");
	}

	/** The number of values of the table literal that opens at {@code brace}. */
	private static int topLevelValues(String code, int brace) {
		int depth = 0;
		int values = 1;
		boolean empty = true;
		for (int i = brace; i < code.length(); i++) {
			char c = code.charAt(i);
			if (c == '{' || c == '(') {
				depth++;
			}
			else if (c == '}' || c == ')') {
				depth--;
				if (depth == 0) {
					return empty ? 0 : values;
				}
			}
			else if (c == ',' && depth == 1) {
				values++;
			}
			else if (!Character.isWhitespace(c) && depth >= 1) {
				empty = false;
			}
		}
		throw new IllegalStateException("Unclosed table at " + brace);
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
