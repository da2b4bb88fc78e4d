package dev.sigwatch.deploy.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * Production code never depends on test code: the runnable jar that {@code ./sigwatch} and the images run carries the
 * simulator and the embedded broker (their own modules) but no test framework and no {@code testkit} class.
 */
class JarLayeringIT {

  @Test
  void theRunnableJarCarriesNoTestCode() throws IOException {
    Path jar = Path.of(System.getProperty("sigwatch.jar", "target/sigwatch.jar")).toAbsolutePath();
    assertThat(jar).exists();
    List<String> names;
    try (JarFile file = new JarFile(jar.toFile())) {
      names = file.stream().map(ZipEntry::getName).toList();
    }
    assertThat(names).as("what demo and run need is in the jar")
        .contains("dev/sigwatch/simulator/SigstoreSimulator.class", "dev/sigwatch/broker/EmbeddedKafkaBroker.class",
            "dev/sigwatch/deploy/Sigwatch.class");
    assertThat(names).as("no test framework or test support in the production jar")
        .noneMatch(n -> n.startsWith("org/junit/") || n.startsWith("dev/sigwatch/testkit/")
            || n.startsWith("org/assertj/") || n.startsWith("org/mockito/") || n.startsWith("org/opentest4j/"));
    assertThat(Files.size(jar)).isPositive();
  }
}
