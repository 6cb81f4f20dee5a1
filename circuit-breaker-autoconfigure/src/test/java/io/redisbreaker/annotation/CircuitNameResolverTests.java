package io.redisbreaker.annotation;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CircuitNameResolverTests {

	private static final Method TICKER = ReflectionUtils.findMethod(TickerClient.class, "ticker", String.class,
			String.class);

	private static final Method PING = ReflectionUtils.findMethod(TickerClient.class, "ping");

	private static final String DESCRIBED_TICKER = TickerClient.class.getName() + "#ticker(String, String)";

	private final CircuitNameResolver resolver = new CircuitNameResolver(null);

	private final TickerClient target = new TickerClient();

	@Test
	void literalIsReturnedAsIs() {
		String name = "upbit/kr/ticker";

		assertThat(CircuitNameResolver.isLiteral(name)).isTrue();
		assertThat(this.resolver.resolve(TICKER, this.target, new Object[] { "a", "b" }, name)).isSameAs(name);
	}

	@Test
	void onlyTemplatesAndLeadingHashAreExpressions() {
		assertThat(CircuitNameResolver.isLiteral("#exchange")).isFalse();
		assertThat(CircuitNameResolver.isLiteral("upbit/#{#region}")).isFalse();
		assertThat(CircuitNameResolver.isLiteral("upbit#kr")).isTrue();
		assertThat(CircuitNameResolver.isLiteral("@names.of(#a0)")).isTrue();
	}

	@Test
	void templateWithTwoParameters() {
		assertThat(resolveTicker("#{#exchange}/#{#region}/ticker", "upbit", "kr")).isEqualTo("upbit/kr/ticker");
	}

	@Test
	void plainExpression() {
		assertThat(resolveTicker("#exchange + '/' + #region + '/ticker'", "upbit", "kr")).isEqualTo("upbit/kr/ticker");
	}

	@Test
	void indexedArguments() {
		assertThat(resolveTicker("#p0 + '/' + #a1", "upbit", "kr")).isEqualTo("upbit/kr");
	}

	@Test
	void rootProperties() {
		assertThat(resolveTicker("#{methodName}/#{targetClass.simpleName}/#{args.length}/#{#root.method.name}", "a", "b"))
			.isEqualTo("ticker/TickerClient/2/ticker");
		assertThat(this.resolver.resolve(PING, this.target, new Object[0], "#root.target.prefix + '/ping'"))
			.isEqualTo("client/ping");
	}

	@Test
	void nonStringResultIsConverted() {
		assertThat(resolveTicker("#exchange.length()", "upbit", "kr")).isEqualTo("5");
	}

	@Test
	void beanReference() {
		StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();
		beanFactory.addBean("names", new Names());
		CircuitNameResolver withBeans = new CircuitNameResolver(beanFactory);

		assertThat(withBeans.resolve(TICKER, this.target, new Object[] { "upbit", "kr" }, "#{@names.of(#a0, #region)}"))
			.isEqualTo("UPBIT-kr");
	}

	@Test
	void beanReferenceWithoutBeanFactoryFailsNamingTheMethod() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> resolveTicker("#{@names.of(#a0, #a1)}", "upbit", "kr"))
			.withMessageStartingWith("Circuit name expression '#{@names.of(#a0, #a1)}' on " + DESCRIBED_TICKER
					+ " failed with 2 argument(s)");
	}

	@Test
	void nullResultFailsNamingExpressionMethodAndArgumentCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> resolveTicker("#region", "upbit", null))
			.withMessage("Circuit name expression '#region' on " + DESCRIBED_TICKER
					+ " evaluated to null with 2 argument(s); expected a non-blank circuit name");
	}

	@Test
	void blankResultFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> resolveTicker("#{#region}", "upbit", "  "))
			.withMessageContaining("evaluated to a blank name with 2 argument(s)");
	}

	@Test
	void validateReportsParseErrorsNamingAttributeAndMethod() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.validate(TICKER, "#exchange +"))
			.withMessageStartingWith("Invalid circuit name expression '#exchange +' on " + DESCRIBED_TICKER + ": ")
			.withCauseInstanceOf(ParseException.class);
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.validate(TICKER, "#{#exchange/ticker"))
			.withMessageStartingWith("Invalid circuit name expression '#{#exchange/ticker' on " + DESCRIBED_TICKER);
	}

	@Test
	void validateReportsUnknownVariables() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.validate(TICKER, "#{#exchnage}/ticker"))
			.withMessage("Circuit name expression '#{#exchnage}/ticker' on " + DESCRIBED_TICKER
					+ " refers to unknown variable #exchnage; expected one of #exchange, #region, #p0..#p1, #a0..#a1,"
					+ " #root, #this");
		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.validate(PING, "#p0"))
			.withMessageEndingWith("refers to unknown variable #p0; expected one of #root, #this (the method has no parameters)");
	}

	@Test
	void validateAcceptsValidExpressionsAndRejectsBlankLiterals() {
		this.resolver.validate(TICKER, "upbit/kr/ticker");
		this.resolver.validate(TICKER, "#{#exchange}/#{#p1}/#{#root.methodName}");
		this.resolver.validate(TICKER, "#a0 + '/' + #region");

		assertThatIllegalArgumentException().isThrownBy(() -> this.resolver.validate(TICKER, " "))
			.withMessageStartingWith("Blank circuit name on " + DESCRIBED_TICKER);
	}

	@Test
	void expressionIsParsedOncePerMethodAndAttribute() {
		String attribute = "#{#exchange}/ticker";
		this.resolver.validate(TICKER, attribute);
		Expression parsed = this.resolver.expression(TICKER, attribute);

		assertThat(resolveTicker(attribute, "upbit", "kr")).isEqualTo("upbit/ticker");
		assertThat(resolveTicker(attribute, "bithumb", "kr")).isEqualTo("bithumb/ticker");
		assertThat(this.resolver.expression(TICKER, attribute)).isSameAs(parsed);
		assertThat(this.resolver.expression(PING, "#{#root.methodName}")).isNotSameAs(parsed);
	}

	private String resolveTicker(String attribute, String exchange, String region) {
		return this.resolver.resolve(TICKER, this.target, new Object[] { exchange, region }, attribute);
	}

	static class TickerClient {

		public String getPrefix() {
			return "client";
		}

		String ticker(String exchange, String region) {
			return exchange + region;
		}

		void ping() {
		}

	}

	static class Names {

		public String of(String exchange, String region) {
			return exchange.toUpperCase() + "-" + region;
		}

	}

}
