package dev.sigwatch.deploy;

import picocli.CommandLine;

/** Version from the jar manifest (set by the build), or "dev" when run from classes. */
public final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Sigwatch.class.getPackage().getImplementationVersion();
    return new String[] {"sigwatch " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
  }
}
