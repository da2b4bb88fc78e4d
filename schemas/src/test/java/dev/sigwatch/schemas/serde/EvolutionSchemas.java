package dev.sigwatch.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** Test-only "next release" schemas (src/test/resources/evolution): a v2 with an added defaulted field. */
public final class EvolutionSchemas {

  private EvolutionSchemas() {}

  /** The next Checkpoint after the shipped one: adds {@code witnessCount: int = 0} and {@code note: ["null","string"] = null}. */
  public static Schema checkpointV2() {
    return load("/evolution/Checkpoint.v2.avsc");
  }

  /** LogEvent v2: adds {@code severity: string = "INFO"}. */
  public static Schema logEventV2() {
    return load("/evolution/LogEvent.v2.avsc");
  }

  private static Schema load(String path) {
    try (InputStream in = EvolutionSchemas.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing test resource " + path);
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(path, e);
    }
  }
}
