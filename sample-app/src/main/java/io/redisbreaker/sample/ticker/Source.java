package io.redisbreaker.sample.ticker;

/**
 * Where an answer came from, said in every answer: a fallback value looks like a live one otherwise.
 */
public final class Source {

	/** The exchange answered this call. */
	public static final String LIVE = "live";

	/** The exchange failed this call; the breaker counted it. */
	public static final String EXCHANGE_FAILED = "fallback: exchange failed";

	/** The breaker did not let the call reach the exchange. */
	public static final String BREAKER_OPEN = "fallback: breaker open";

	private Source() {
	}

}
