package dev.sigwatch.deploy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigwatch.alert.sink.SinkContext;
import dev.sigwatch.alert.sink.SinkFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates the {@code --config} YAML file.
 *
 * <p>String values may reference environment variables as {@code ${NAME}} or {@code ${NAME:-default}}, so secrets
 * (SMTP passwords, GitHub tokens, SASL credentials) stay out of the file. Substitution happens on parsed values,
 * never on the YAML text, so a variable's content cannot change the document's structure.
 *
 * <p>Every problem is reported with the key's path ({@code logs[1].type}) and what to do about it.
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private final Function<String, String> env;

  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  /** A loader reading the process environment. */
  public static ConfigLoader withSystemEnv() {
    return new ConfigLoader(System::getenv);
  }

  /** Loads {@code file}; throws with every problem found, one per line. */
  public SigwatchConfig load(Path file) throws ConfigException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist or is not a file: pass an existing YAML file to --config");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("reading config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses YAML text; {@code source} names it in messages. */
  public SigwatchConfig parse(String text, String source) throws ConfigException {
    SigwatchConfig config;
    try {
      JsonNode tree = yaml.readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return SigwatchConfig.defaults();
      }
      if (!tree.isObject()) {
        throw new ConfigException(source + ": the top level must be a mapping of keys (dataDir, kafka, logs, ...), found "
            + tree.getNodeType().toString().toLowerCase(Locale.ROOT));
      }
      List<String> envProblems = new ArrayList<>();
      substituteEnv(tree, "", envProblems);
      if (!envProblems.isEmpty()) {
        throw new ConfigException(source + ":\n  " + String.join("\n  ", envProblems));
      }
      config = yaml.treeToValue(tree, SigwatchConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(String.format(Locale.ROOT, "%s: unknown key '%s'%s; known keys there: %s",
          source, path(e), line(e), known), e);
    } catch (JsonMappingException e) {
      throw new ConfigException(String.format(Locale.ROOT, "%s: bad value at '%s'%s: %s",
          source, path(e), line(e), e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": not valid YAML" + line(e) + ": " + e.getOriginalMessage(), e);
    }
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      throw new ConfigException(source + ":\n  " + String.join("\n  ", problems));
    }
    return config;
  }

  /** Checks values that parse but make no sense; one message per problem. */
  static List<String> validate(SigwatchConfig c) {
    List<String> problems = new ArrayList<>(c.monitoredValues().problems());
    checkFile(problems, "trustedRoot", c.trustedRoot());
    checkFile(problems, "signingConfig", c.signingConfig());
    for (int i = 0; i < c.logs().size(); i++) {
      LogSettings log = c.logs().get(i);
      String at = "logs[" + i + "]";
      if (log.type() == null || !LogSettings.TYPES.contains(log.type())) {
        problems.add(String.format(Locale.ROOT, "%s.type is '%s': use one of rekor-v1, rekor-v2, ct, static-ct",
            at, log.type()));
      }
      if (log.url() == null) {
        problems.add(at + ".url is missing: give the log's base URL, e.g. https://rekor.sigstore.dev");
      } else {
        checkUrl(problems, at + ".url", log.url());
      }
    }
    if (c.kafka().schemaRegistryUrl() != null) {
      checkUrl(problems, "kafka.schemaRegistryUrl", c.kafka().schemaRegistryUrl());
    }
    if (c.kafka().replicationFactor() < 1) {
      problems.add("kafka.replicationFactor must be >= 1, was " + c.kafka().replicationFactor());
    }
    if (c.metrics().port() < 0 || c.metrics().port() > 65535) {
      problems.add("metrics.port must be 0 (disabled) or a TCP port, was " + c.metrics().port());
    }
    problems.addAll(c.store().problems());
    problems.addAll(c.trust().problems());
    for (int i = 0; i < c.canaries().size(); i++) problems.addAll(c.canaries().get(i).problems("canaries[" + i + "]"));
    if (c.alerts().file() != null && c.alerts().file().getParent() != null
        && !Files.isDirectory(c.alerts().file().toAbsolutePath().getParent())) {
      problems.add("alerts.file " + c.alerts().file() + ": its directory does not exist; create it or choose another path");
    }
    if (c.alerts().webUrl() != null) {
      checkUrl(problems, "alerts.webUrl", c.alerts().webUrl());
    }
    try {
      SinkFactory.closeAll(SinkFactory.buildAll(c.alerts().sinks(), SinkContext.defaults()));
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  private static void checkFile(List<String> problems, String key, Path file) {
    if (file != null && !Files.isRegularFile(file)) {
      problems.add(key + " " + file + " does not exist or is not a file: fix the path or remove the key to use the default");
    }
  }

  private static void checkUrl(List<String> problems, String key, String url) {
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        problems.add(key + " '" + url + "' is not an http(s) URL with a host");
      }
    } catch (URISyntaxException e) {
      problems.add(key + " '" + url + "' is not a URL: " + e.getReason());
    }
  }

  private void substituteEnv(JsonNode node, String path, List<String> problems) {
    if (node.isObject()) {
      ObjectNode obj = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
      List<Map.Entry<String, JsonNode>> replace = new ArrayList<>();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String childPath = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (f.getValue().isTextual()) {
          replace.add(Map.entry(f.getKey(), new TextNode(expand(f.getValue().asText(), childPath, problems))));
        } else {
          substituteEnv(f.getValue(), childPath, problems);
        }
      }
      replace.forEach(e -> obj.set(e.getKey(), e.getValue()));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode child = node.get(i);
        if (child.isTextual()) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i,
              new TextNode(expand(child.asText(), path + "[" + i + "]", problems)));
        } else {
          substituteEnv(child, path + "[" + i + "]", problems);
        }
      }
    }
  }

  private String expand(String value, String path, List<String> problems) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.apply(m.group(1));
      if (v == null) {
        v = m.group(2);
      }
      if (v == null) {
        problems.add(String.format(Locale.ROOT,
            "%s refers to environment variable %s, which is not set: set it or write ${%s:-default}", path, m.group(1), m.group(1)));
        v = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String line(JsonProcessingException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
        : " (line " + e.getLocation().getLineNr() + ")";
  }
}
