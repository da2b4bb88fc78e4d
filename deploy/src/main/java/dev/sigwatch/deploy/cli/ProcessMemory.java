package dev.sigwatch.deploy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process, from Linux's {@code /proc/<pid>/status}; -1 where that is not available. */
final class ProcessMemory {
  private ProcessMemory() {}

  /** This JVM's resident set (VmRSS) in MB. */
  static long rssMb() {
    return rssMb(ProcessHandle.current().pid());
  }

  /** The resident set (VmRSS) of {@code pid} in MB. */
  static long rssMb(long pid) {
    return field(pid, "VmRSS:");
  }

  /** This JVM's peak resident set (VmHWM) in MB. */
  static long peakRssMb() {
    return field(ProcessHandle.current().pid(), "VmHWM:");
  }

  private static long field(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).replace("kB", "").strip()) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }
}
