package dev.sigwatch.alert.sink;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line of this JVM (all levels reaching the root logger) while open, with stack traces. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();

  LogCapture() {
    setName("capture");
    start();
    root().addAppender(this);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected synchronized void append(ILoggingEvent e) {
    String line = e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage();
    if (e.getThrowableProxy() != null) line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    lines.add(line);
  }

  synchronized String all() {
    return String.join("\n", lines);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }
}
