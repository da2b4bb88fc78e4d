package dev.sigwatch.deploy.config;

/** A configuration problem, with a message that names the key or value to fix. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
