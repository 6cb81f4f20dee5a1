/**
 * Real Redis servers for tests: single servers, replica sets, sentinels and clusters, plus a
 * fault-injecting TCP proxy and a JUnit 5 extension.
 *
 * <p>Servers are {@code redis-server} processes on free loopback ports, or Testcontainers
 * containers for a single {@link io.redisbreaker.testsupport.RedisServer} when a Docker engine is
 * available. Topologies (replica sets, sentinels, clusters) always use processes, because their
 * nodes must reach each other at the addresses they announce. A single server can be secured as in
 * production with {@link io.redisbreaker.testsupport.RedisServerOptions} (a password, ACL users, TLS
 * with throwaway {@link io.redisbreaker.testsupport.TestCertificates}); TLS servers are processes.
 */
@NullMarked
package io.redisbreaker.testsupport;

import org.jspecify.annotations.NullMarked;
