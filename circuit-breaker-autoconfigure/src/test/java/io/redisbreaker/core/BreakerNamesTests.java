package io.redisbreaker.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Names computed per call are made valid by {@link BreakerNames#encode}, reversibly and the same way on
 * every instance; literal names are checked by {@link BreakerNames#validate}.
 */
class BreakerNamesTests {

	@Test
	void lettersAndDigitsOfAnyScriptAndTheAllowedPunctuationStayReadable() {
		assertThat(BreakerNames.encode("upbit/kr/ticker")).isEqualTo("upbit/kr/ticker");
		assertThat(BreakerNames.encode("업비트/kr/ticker")).isEqualTo("업비트/kr/ticker");
		assertThat(BreakerNames.encode("a.b_c:d@e-f")).isEqualTo("a.b_c:d@e-f");
		assertThat(BreakerNames.validate("업비트/kr/ticker")).isEqualTo("업비트/kr/ticker");
	}

	@Test
	void charactersKeysCannotCarryArePercentEncodedAndDecodeBack() {
		assertThat(BreakerNames.encode("up bit/kr/ticker")).isEqualTo("up%20bit/kr/ticker");
		assertThat(BreakerNames.encode("{x}")).isEqualTo("%7Bx%7D");
		assertThat(BreakerNames.encode("tab\there\nnul\u0000")).isEqualTo("tab%09here%0Anul%00");
		// A percent sign is escaped too, so "%20" as text and " " never share a breaker.
		assertThat(BreakerNames.encode("100%")).isEqualTo("100%25");
		assertThat(BreakerNames.encode("€")).isEqualTo("%E2%82%AC");
		for (String text : new String[] { "up bit/kr/ticker", "{x}", "tab\there", "100%20", "€ and 업비트 {}", "😀" }) {
			String name = BreakerNames.encode(text);
			assertThat(BreakerNames.isValid(name)).as(name).isTrue();
			assertThat(BreakerNames.decode(name)).isEqualTo(text);
		}
	}

	@Test
	void overLongTextIsShortenedToAPrefixAndAHashOfTheWhole() {
		String longSegment = "x".repeat(500);
		String name = BreakerNames.encode(longSegment + "/kr/ticker");

		assertThat(name).hasSizeLessThanOrEqualTo(BreakerNames.MAX_LENGTH).startsWith("x".repeat(150));
		assertThat(name).matches("x{183}-[0-9a-f]{16}");
		assertThat(BreakerNames.isValid(name)).isTrue();
		// Deterministic, and different texts with the same beginning get different names.
		assertThat(BreakerNames.encode(longSegment + "/kr/ticker")).isEqualTo(name);
		assertThat(BreakerNames.encode(longSegment + "/id/ticker")).isNotEqualTo(name);
	}

	@Test
	void shorteningNeverCutsAnEscapeInHalf() {
		for (int offset = 0; offset < 3; offset++) {
			String name = BreakerNames.encode("a".repeat(offset) + " ".repeat(300));
			assertThat(BreakerNames.isValid(name)).as("offset " + offset).isTrue();
		}
		String name = BreakerNames.encode("a" + "😀".repeat(300));
		assertThat(BreakerNames.isValid(name)).isTrue();
	}

	@Test
	void invalidLiteralNamesAreRejectedWithThePositionAndTheRules() {
		assertThatIllegalArgumentException().isThrownBy(() -> BreakerNames.validate("bad name"))
			.withMessageContaining("Circuit breaker name 'bad name' has ' ' at position 3")
			.withMessageContaining(BreakerNames.RULES);
		assertThatIllegalArgumentException().isThrownBy(() -> BreakerNames.validate("{tag}"))
			.withMessageContaining("has '{' at position 0");
		assertThatIllegalArgumentException().isThrownBy(() -> BreakerNames.validate("50%off"))
			.withMessageContaining("has '%' at position 2");
		assertThatIllegalArgumentException().isThrownBy(() -> BreakerNames.validate("x".repeat(201)))
			.withMessageContaining("has 201 characters; at most 200 are allowed");
		assertThatIllegalArgumentException().isThrownBy(() -> BreakerNames.encode(""));
	}

}
