package io.redisbreaker.testsupport;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * One {@link RedisServer} per test class (started by {@link RedisServer#launch}, so a container
 * when Docker is available), {@code FLUSHALL} before each test, and the server as a resolvable
 * parameter. Usually applied through {@link WithRedisServer}.
 *
 * <p>The server is created lazily by whichever comes first, {@code beforeAll} or a parameter
 * resolution, because with {@code @TestInstance(PER_CLASS)} the constructor runs before {@code
 * beforeAll}. A test that stopped or killed a process server gets it restarted before the next
 * test.
 */
public final class RedisServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE =
			ExtensionContext.Namespace.create(RedisServerExtension.class);
	private static final String KEY = "server";

	@Override
	public void beforeAll(ExtensionContext context) {
		server(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// remove() only looks at this class's own store, so a @Nested class leaves its enclosing
		// class's server alone.
		RedisServer server = context.getStore(NAMESPACE).remove(KEY, RedisServer.class);
		if (server != null) {
			server.close();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		RedisServer server = server(context);
		if (!server.isRunning()) {
			server.start();
		}
		server.command("FLUSHALL");
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext,
			ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext,
			ExtensionContext extensionContext) {
		return server(extensionContext);
	}

	private static RedisServer server(ExtensionContext context) {
		ExtensionContext classContext = context;
		while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
			classContext = classContext.getParent().get();
		}
		Class<?> testClass = classContext.getRequiredTestClass();
		// computeIfAbsent also finds a server stored by an enclosing class, which @Nested classes share.
		return classContext.getStore(NAMESPACE)
				.computeIfAbsent(KEY, key -> RedisServer.launch(args(testClass)), RedisServer.class);
	}

	private static String[] args(Class<?> testClass) {
		for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
			Optional<WithRedisServer> annotation =
					AnnotationSupport.findAnnotation((AnnotatedElement) c, WithRedisServer.class);
			if (annotation.isPresent()) {
				return annotation.get().args();
			}
		}
		return new String[0];
	}
}
