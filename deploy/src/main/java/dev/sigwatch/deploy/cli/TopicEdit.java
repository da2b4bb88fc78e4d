package dev.sigwatch.deploy.cli;

import dev.sigwatch.deploy.config.ConfigLoader;
import dev.sigwatch.deploy.config.SigwatchConfig;
import dev.sigwatch.deploy.runtime.KafkaRuntime;
import dev.sigwatch.match.CompactedTopic;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the commands that edit a compacted topic at runtime ({@code watchlist}, {@code authorize}) share: the Kafka they
 * write to — never a broker of their own ({@link WatchlistCommand#existingKafka}) — and removal by id.
 */
final class TopicEdit {
  /** A command's work on the Kafka it found; returns the exit code. */
  interface OnKafka {
    int run(KafkaRuntime kafka) throws Exception;
  }

  private TopicEdit() {}

  /**
   * Runs {@code work} on the Kafka of {@code config} (the defaults when null); exit code 1 after saying why when there
   * is none. {@code who} names the command in messages.
   */
  static int onKafka(Path config, CommandSpec spec, String who, OnKafka work) throws Exception {
    SigwatchConfig c = config == null ? SigwatchConfig.defaults() : ConfigLoader.withSystemEnv().load(config);
    try (KafkaRuntime k = WatchlistCommand.existingKafka(c, spec.commandLine().getErr(), who)) {
      return k == null ? 1 : work.run(k);
    }
  }

  /**
   * Writes a tombstone for {@code id} in the topic {@code topic} gives for the Kafka of {@code config} and prints
   * "removed"; exit code 1 when the topic holds no record {@code id} ({@code what} names such records).
   */
  static int remove(Path config, CommandSpec spec, String who, String what,
                    Function<KafkaRuntime, CompactedTopic<?>> topic, String id) throws Exception {
    return onKafka(config, spec, who, k -> {
      CompactedTopic<?> t = topic.apply(k);
      if (!t.current().containsKey(id)) {
        spec.commandLine().getErr().println(who + " remove: no " + what + " " + id + " in " + t.name()
            + " (see '" + who + " list')");
        return 1;
      }
      t.send(id, null);
      spec.commandLine().getOut().println("removed " + id);
      return 0;
    });
  }
}
