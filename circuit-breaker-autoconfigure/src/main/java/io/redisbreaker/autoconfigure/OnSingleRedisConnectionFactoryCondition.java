package io.redisbreaker.autoconfigure;

import java.util.Arrays;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Matches unless the application defines several {@link RedisConnectionFactory} beans and none is
 * primary: in that case Spring Boot defines no templates either, and neither does the starter. Unlike
 * {@code @ConditionalOnSingleCandidate} it also matches when no factory is defined yet, since Spring
 * Boot's Redis auto-configuration, which runs after the starter's, defines one.
 */
class OnSingleRedisConnectionFactoryCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null) {
			return ConditionOutcome.match("no bean factory to look in");
		}
		String[] names = beanFactory.getBeanNamesForType(RedisConnectionFactory.class, true, false);
		long primary = Arrays.stream(names)
			.filter((name) -> beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary())
			.count();
		if (names.length <= 1 || primary == 1) {
			return ConditionOutcome.match("at most one RedisConnectionFactory, or one primary");
		}
		return ConditionOutcome.noMatch(names.length + " RedisConnectionFactory beans and none is primary");
	}

}
