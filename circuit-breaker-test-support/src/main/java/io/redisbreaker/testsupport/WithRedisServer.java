package io.redisbreaker.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class one real Redis server: started before the first test, flushed
 * before each test, killed after the last. Declare a {@link RedisServer} parameter on the
 * constructor, a test method or a lifecycle method to get it. {@code @Nested} classes share their
 * enclosing class's server (their own {@link #args()} are then ignored). See {@link
 * RedisServerExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisServerExtension.class)
public @interface WithRedisServer {

	/** Extra {@code redis-server} arguments, e.g. {@code {"--requirepass", "secret"}}. */
	String[] args() default {};
}
