package io.redisbreaker.reproduction;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole reproduction (with -Preproduction) and holds the starter to its results.
 */
class FaultReproductionTests {

	@Test
	void theStarterSurvivesEveryScenarioThatSpringBootsDefaultsDoNot() {
		List<Result> results = new FaultReproduction(FaultReproduction.DEFAULT_WINDOW).runAll();
		FaultReproduction.print(results, FaultReproduction.DEFAULT_WINDOW, System.out);
		List<Result> starter = results.stream().filter((r) -> r.setup() == ClientSetup.STARTER).toList();
		assertThat(starter).filteredOn((r) -> r.scenario().startsWith("connection killed")
				|| r.scenario().startsWith("master demoted"))
			.allSatisfy((r) -> assertThat(r.failed()).as(r.scenario()).isZero());
		assertThat(starter).allSatisfy((r) -> {
			assertThat(r.recovery()).as(r.scenario() + " recovers").isNotNull();
			assertThat(r.recovery()).as(r.scenario() + " recovers quickly").isLessThan(Duration.ofSeconds(5));
		});
		Result bootDemoted = results.stream()
			.filter((r) -> r.setup() == ClientSetup.BOOT_DEFAULTS && r.scenario().startsWith("master demoted"))
			.findFirst()
			.orElseThrow();
		assertThat(bootDemoted.recovery()).as("Spring Boot's defaults keep writing to the demoted master").isNull();
	}

}
