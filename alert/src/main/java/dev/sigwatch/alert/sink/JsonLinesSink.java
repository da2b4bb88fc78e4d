package dev.sigwatch.alert.sink;

import dev.sigwatch.alert.AlertJson;
import dev.sigwatch.schemas.Alert;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes each alert as one line of JSON ({@link AlertJson}) to a file (appending) or to stdout; as a {@link Sink}, an
 * update is one line of {@link MessageJson}. Each line is flushed before the runner commits, so a crash repeats lines
 * (same {@code alertId}) but never loses one.
 */
public final class JsonLinesSink implements AlertSink, Sink {
  private final Writer out;
  private final boolean closeOut;
  private final String describe;

  private JsonLinesSink(Writer out, boolean closeOut, String describe) {
    this.out = out;
    this.closeOut = closeOut;
    this.describe = describe;
  }

  /** Appends to {@code file}, creating it if needed. */
  public static JsonLinesSink toFile(Path file) throws IOException {
    return new JsonLinesSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), true, "json lines to " + file);
  }

  /** Writes to {@code stream} (stdout), which is flushed but never closed. */
  public static JsonLinesSink toStream(PrintStream stream) {
    return new JsonLinesSink(new java.io.OutputStreamWriter(new NonClosing(stream), StandardCharsets.UTF_8), false,
        "json lines to stdout");
  }

  @Override
  public void deliver(List<SinkMessage> batch) throws SinkException {
    try {
      for (SinkMessage m : batch) {
        out.write(m.kind() == SinkMessage.Kind.ALERT ? AlertJson.toLine(m.alert()) : MessageJson.toLine(m));
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      throw new SinkException(describe + ": write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int maxBatch() {
    return 100;
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public void accept(Alert alert) throws IOException {
    out.write(AlertJson.toLine(alert));
    out.write('\n');
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.flush();
    if (closeOut) {
      out.close();
    }
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
