package dev.sigwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaStoreTest {

  @Test
  void newestShippedVersionOfEachRecordIsItsGeneratedSchema() {
    // Guards the history: changing an .avsc without adding history/<Name>.v<N+1>.avsc fails here.
    for (Class<? extends SpecificRecord> type : SchemaStore.SHIPPED_TYPES) {
      List<Schema> versions = SchemaStore.shipped().versions(type.getName());
      Schema current = SpecificData.get().getSchema(type);
      assertThat(versions).as(type.getSimpleName()).isNotEmpty();
      assertThat(versions.get(versions.size() - 1)).as("newest history version of %s", type.getSimpleName()).isEqualTo(current);
      assertThat(SchemaStore.shipped().byFingerprint(SchemaNormalization.parsingFingerprint64(current))).contains(versions.get(versions.size() - 1));
    }
  }

  @Test
  void everyHistoryVersionParsesStandaloneAndResolvesToTheCurrentSchema() throws IOException {
    for (Class<? extends SpecificRecord> type : SchemaStore.SHIPPED_TYPES) {
      Schema current = SpecificData.get().getSchema(type);
      for (Schema old : SchemaStore.shipped().versions(type.getName())) {
        // Reading an old version must stay possible: Avro's resolution must accept (old writer -> current reader).
        assertThat(org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType())
            .as("%s readable by current", old.getFullName())
            .isEqualTo(org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
      }
      try (InputStream in = SchemaStore.class.getResourceAsStream(SchemaStore.HISTORY_PATH + type.getSimpleName() + ".v1.avsc")) {
        assertThat(new Schema.Parser().parse(in).getFullName()).isEqualTo(type.getName());
      }
    }
  }

  @Test
  void unknownFingerprintIsEmpty() {
    assertThat(SchemaStore.shipped().byFingerprint(0L)).isEmpty();
    assertThat(SchemaStore.shipped().size()).isGreaterThanOrEqualTo(SchemaStore.SHIPPED_TYPES.size());
  }

  @Test
  void withAddsANewestVersionAndIsIdempotent() {
    Schema v1 = SpecificData.get().getSchema(dev.sigwatch.schemas.LogEvent.class);
    Schema v2 = EvolutionSchemas.logEventV2();
    SchemaStore store = SchemaStore.shipped().with(v2);
    assertThat(store.versions(v1.getFullName())).containsExactly(v1, v2);
    assertThat(store.with(v2).versions(v1.getFullName())).hasSize(2);
    assertThat(SchemaStore.shipped().versions(v1.getFullName())).containsExactly(v1);
    assertThat(store.byFingerprint(SchemaStore.fingerprint(v2))).contains(v2);
  }

  @Test
  void ofKeepsVersionsInGivenOrder() {
    Schema v1 = SpecificData.get().getSchema(dev.sigwatch.schemas.LogEvent.class);
    Schema v2 = EvolutionSchemas.logEventV2();
    assertThat(SchemaStore.of(List.of(v2, v1)).versions(v1.getFullName())).containsExactly(v2, v1);
    assertThat(SchemaStore.of(List.of()).size()).isZero();
  }
}
