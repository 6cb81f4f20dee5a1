package io.redisbreaker.annotation;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.redisbreaker.core.BreakerNames;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Resolves the {@code name} of {@code @CircuitProtected}, so that one annotated method can
 * feed many circuits, such as {@code "upbit/kr/ticker"} (exchange/region/type).
 *
 * <p>The attribute is one of:
 * <ul>
 * <li>a template when it contains {@code #{...}}: {@code "#{#exchange}/#{#region}/ticker"};
 * <li>a SpEL expression when it starts with {@code #}: {@code "#exchange + '/' + #region"};
 * <li>otherwise a literal, used as is.
 * </ul>
 * Expressions see the method's arguments as {@code #name}, {@code #p0} and {@code #a0}, the
 * root properties {@code args}, {@code method}, {@code methodName}, {@code target} and
 * {@code targetClass}, and beans as {@code @name} when a {@link BeanFactory} is given.
 * A bean reference alone ({@code "@names.of(#a0)"}) does not start with {@code #}, so it
 * needs the template form: {@code "#{@names.of(#a0)}"}.
 *
 * <p>A computed name comes from arguments nobody checked, so it is made valid with
 * {@link BreakerNames#encode(String)} rather than rejected: {@code "up bit"} becomes
 * {@code "up%20bit"}, letters of any script stay readable, and an over-long name is
 * shortened to a prefix and a hash. A literal is used as is; it is checked at startup.
 */
public final class CircuitNameResolver {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private final @Nullable BeanFactoryResolver beanResolver;

	// Parsing costs far more than evaluating, and (method, attribute) pairs are fixed by the code.
	private final Map<ExpressionKey, Expression> expressions = new ConcurrentHashMap<>();

	public CircuitNameResolver(@Nullable BeanFactory beanFactory) {
		this.beanResolver = (beanFactory != null) ? new BeanFactoryResolver(beanFactory) : null;
	}

	/**
	 * Tells whether the {@code name} attribute is a plain name rather than an expression,
	 * so that callers can check it at startup.
	 * @param nameAttribute the {@code name} attribute
	 * @return {@code true} when it is used as is
	 */
	public static boolean isLiteral(String nameAttribute) {
		return !isTemplate(nameAttribute) && !nameAttribute.startsWith("#");
	}

	/**
	 * Checks at startup what can be checked without arguments: a literal must not be blank,
	 * an expression must parse and refer only to variables the method provides. Valid
	 * expressions stay cached for {@link #resolve}.
	 * @param method the {@code @CircuitProtected} method
	 * @param nameAttribute the {@code name} attribute
	 * @throws IllegalArgumentException naming the attribute and the method when it is invalid
	 */
	public void validate(Method method, String nameAttribute) {
		if (isLiteral(nameAttribute)) {
			if (nameAttribute.isBlank()) {
				throw new IllegalArgumentException("Blank circuit name on " + describe(method)
						+ "; expected a name such as \"upbit/kr/ticker\" or an expression such as \"#{#exchange}/ticker\"");
			}
			return;
		}
		expression(method, nameAttribute);
	}

	/**
	 * Resolves the circuit name for one call.
	 * @param method the {@code @CircuitProtected} method (its parameter names are the variables)
	 * @param target the object the method was called on
	 * @param args the call's arguments
	 * @param nameAttribute the {@code name} attribute
	 * @return a valid circuit name: the literal, or the computed name made valid with
	 * {@link BreakerNames#encode(String)}
	 * @throws IllegalArgumentException when the expression is invalid, fails, or yields a
	 * null or blank name
	 */
	public String resolve(Method method, Object target, @Nullable Object[] args, String nameAttribute) {
		if (isLiteral(nameAttribute)) {
			return nameAttribute;
		}
		Expression expression = expression(method, nameAttribute);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
				new RootObject(method, args, target), method, args, PARAMETER_NAMES);
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		Object value;
		try {
			value = expression.getValue(context);
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException("Circuit name expression '" + nameAttribute + "' on " + describe(method)
					+ " failed with " + args.length + " argument(s): " + ex.getMessage(), ex);
		}
		String name = (value != null) ? value.toString() : null;
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("Circuit name expression '" + nameAttribute + "' on " + describe(method)
					+ " evaluated to " + ((name == null) ? "null" : "a blank name") + " with " + args.length
					+ " argument(s); expected a non-blank circuit name");
		}
		return BreakerNames.encode(name);
	}

	/** The parsed, checked and cached expression; package-private so tests can see the cache at work. */
	Expression expression(Method method, String nameAttribute) {
		return this.expressions.computeIfAbsent(new ExpressionKey(method, nameAttribute), key -> parse(method, nameAttribute));
	}

	private static Expression parse(Method method, String nameAttribute) {
		Expression expression;
		try {
			expression = isTemplate(nameAttribute)
					? PARSER.parseExpression(nameAttribute, ParserContext.TEMPLATE_EXPRESSION)
					: PARSER.parseExpression(nameAttribute);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("Invalid circuit name expression '" + nameAttribute + "' on "
					+ describe(method) + ": " + ex.getMessage(), ex);
		}
		checkVariables(expression, method, nameAttribute);
		return expression;
	}

	// An unknown variable evaluates to null and would silently yield names like
	// "null/ticker"; this is typically a typo or a build without -parameters.
	private static void checkVariables(Expression expression, Method method, String nameAttribute) {
		if (expression instanceof CompositeStringExpression composite) {
			for (Expression part : composite.getExpressions()) {
				checkVariables(part, method, nameAttribute);
			}
		}
		else if (expression instanceof SpelExpression spel) {
			checkVariables(spel.getAST(), method, nameAttribute);
		}
	}

	private static void checkVariables(SpelNode node, Method method, String nameAttribute) {
		if (node instanceof VariableReference) {
			String variable = node.toStringAST().substring(1);
			if (!isKnownVariable(variable, method)) {
				throw new IllegalArgumentException("Circuit name expression '" + nameAttribute + "' on "
						+ describe(method) + " refers to unknown variable #" + variable + "; expected one of "
						+ knownVariables(method));
			}
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			checkVariables(node.getChild(i), method, nameAttribute);
		}
	}

	private static boolean isKnownVariable(String variable, Method method) {
		if (variable.equals("root") || variable.equals("this")) {
			return true;
		}
		int count = method.getParameterCount();
		for (int i = 0; i < count; i++) {
			if (variable.equals("p" + i) || variable.equals("a" + i)) {
				return true;
			}
		}
		String[] names = PARAMETER_NAMES.getParameterNames(method);
		return names != null && Arrays.asList(names).contains(variable);
	}

	private static String knownVariables(Method method) {
		int count = method.getParameterCount();
		if (count == 0) {
			return "#root, #this (the method has no parameters)";
		}
		String[] names = PARAMETER_NAMES.getParameterNames(method);
		String byName = (names != null) ? "#" + String.join(", #", names)
				: "(no parameter names: compile with -parameters)";
		return byName + ", #p0..#p" + (count - 1) + ", #a0..#a" + (count - 1) + ", #root, #this";
	}

	private static boolean isTemplate(String nameAttribute) {
		return nameAttribute.contains(ParserContext.TEMPLATE_EXPRESSION.getExpressionPrefix());
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getName() + "#" + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

	private record ExpressionKey(Method method, String nameAttribute) {
	}

	/** The root object of name expressions; its getters are what {@code #root.xxx} can see. */
	static final class RootObject {

		private final Method method;

		private final @Nullable Object[] args;

		private final Object target;

		RootObject(Method method, @Nullable Object[] args, Object target) {
			this.method = method;
			this.args = args;
			this.target = target;
		}

		public Method getMethod() {
			return this.method;
		}

		public String getMethodName() {
			return this.method.getName();
		}

		public @Nullable Object[] getArgs() {
			return this.args;
		}

		public Object getTarget() {
			return this.target;
		}

		public Class<?> getTargetClass() {
			return ClassUtils.getUserClass(this.target);
		}

	}

}
