package dev.sigwatch.simulator.ca;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentityTest {

  @Test
  void everyGithubWorkflowIdentityHasAFortyDigitCommitEvenWhenItsHashCodeIsSmall() {
    int small = 0;
    for (int i = 0; i < 400; i++) {
      String repo = i + "org/repo";
      if (Math.abs((repo + ".github/workflows/x.yml" + "refs/heads/main").hashCode()) < 0x10000000) small++;
      Identity id = Identity.githubWorkflow(repo, ".github/workflows/x.yml", "refs/heads/main");
      assertThat(id.extensions().get(3)).matches("[0-9a-f]{40}");
    }
    assertThat(small).as("inputs whose hash code has fewer than 8 hex digits were tried").isPositive();
  }
}
