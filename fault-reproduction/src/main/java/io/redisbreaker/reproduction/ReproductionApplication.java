package io.redisbreaker.reproduction;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * The smallest application with Spring Boot's Redis auto-configuration, and the starter's when it is
 * not excluded.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ReproductionApplication {

}
