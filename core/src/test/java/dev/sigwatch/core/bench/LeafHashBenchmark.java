package dev.sigwatch.core.bench;

import dev.sigwatch.core.merkle.Rfc6962;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** RFC 6962 leaf hashing of a typical Rekor entry body (about 3 KB). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeafHashBenchmark {
  @Param({"3072"})
  public int leafBytes;

  private byte[] leaf;

  @Setup
  public void setUp() {
    leaf = new byte[leafBytes];
    new Random(1).nextBytes(leaf);
  }

  @Benchmark
  public byte[] leafHash() {
    return Rfc6962.leafHash(leaf);
  }
}
