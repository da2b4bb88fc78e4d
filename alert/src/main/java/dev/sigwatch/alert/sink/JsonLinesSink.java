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

/** Writes each alert as one line of JSON to a file (appending) or to stdout. */
public final class JsonLinesSink implements AlertSink {
  private final Writer out;
  private final boolean closeOut;

  private JsonLinesSink(Writer out, boolean closeOut) {
    this.out = out;
    this.closeOut = closeOut;
  }

  /** Appends to {@code file}, creating it if needed. */
  public static JsonLinesSink toFile(Path file) throws IOException {
    return new JsonLinesSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), true);
  }

  /** Writes to {@code stream} (stdout), which is flushed but never closed. */
  public static JsonLinesSink toStream(PrintStream stream) {
    return new JsonLinesSink(new java.io.OutputStreamWriter(new NonClosing(stream), StandardCharsets.UTF_8), false);
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
