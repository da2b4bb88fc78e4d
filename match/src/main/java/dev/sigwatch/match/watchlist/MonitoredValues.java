package dev.sigwatch.match.watchlist;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * rekor-monitor's {@code monitoredValues} block, accepted unchanged.
 *
 * <p>Both layouts rekor-monitor has documented are accepted: Fulcio and custom extensions nested under
 * {@code oidMatchers} (its configuration struct) and directly under {@code monitoredValues} (its README's example).
 * {@code certSubject}, {@code issuers} and {@code subjects} are unanchored regular expressions; fingerprints and
 * extension values match exactly.
 */
public record MonitoredValues(
    @JsonProperty("certIdentities") List<CertIdentity> certIdentities,
    @JsonProperty("subjects") List<String> subjects,
    @JsonProperty("fingerprints") List<String> fingerprints,
    @JsonProperty("oidMatchers") OidMatchers oidMatchers,
    @JsonProperty("fulcioExtensions") Map<String, List<String>> fulcioExtensions,
    @JsonProperty("customExtensions") List<CustomExtension> customExtensions) {

  public MonitoredValues {
    certIdentities = certIdentities == null ? List.of() : List.copyOf(certIdentities);
    subjects = subjects == null ? List.of() : List.copyOf(subjects);
    fingerprints = fingerprints == null ? List.of() : List.copyOf(fingerprints);
    oidMatchers = oidMatchers == null ? OidMatchers.EMPTY : oidMatchers;
    fulcioExtensions = fulcioExtensions == null ? Map.of() : Map.copyOf(fulcioExtensions);
    customExtensions = customExtensions == null ? List.of() : List.copyOf(customExtensions);
  }

  public static final MonitoredValues EMPTY = new MonitoredValues(null, null, null, null, null, null);

  /** Fulcio extensions from both layouts, by rekor-monitor name (e.g. {@code build-config-uri}). */
  public Map<String, List<String>> allFulcioExtensions() {
    Map<String, List<String>> all = new LinkedHashMap<>(oidMatchers.fulcioExtensions());
    fulcioExtensions.forEach((k, v) -> all.merge(k, v, (a, b) -> {
      List<String> merged = new ArrayList<>(a);
      merged.addAll(b);
      return List.copyOf(merged);
    }));
    return all;
  }

  /** Custom extensions from both layouts. */
  public List<CustomExtension> allCustomExtensions() {
    List<CustomExtension> all = new ArrayList<>(oidMatchers.customExtensions());
    all.addAll(customExtensions);
    return List.copyOf(all);
  }

  public boolean isEmpty() {
    return certIdentities.isEmpty() && subjects.isEmpty() && fingerprints.isEmpty()
        && allFulcioExtensions().isEmpty() && allCustomExtensions().isEmpty() && oidMatchers.oidExtensions().isEmpty();
  }

  /**
   * Checks every regular expression and OID, returning one message per problem, each naming where it is
   * ({@code monitoredValues.certIdentities[2].certSubject}) and what is wrong. Empty when valid.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < certIdentities.size(); i++) {
      CertIdentity c = certIdentities.get(i);
      String at = "monitoredValues.certIdentities[" + i + "]";
      if (c.certSubject() == null || c.certSubject().isEmpty()) {
        problems.add(at + ".certSubject is missing: give a regular expression over the certificate's SANs");
      } else {
        checkRegex(problems, at + ".certSubject", c.certSubject());
      }
      for (int j = 0; j < c.issuers().size(); j++) {
        checkRegex(problems, at + ".issuers[" + j + "]", c.issuers().get(j));
      }
    }
    for (int i = 0; i < subjects.size(); i++) {
      checkRegex(problems, "monitoredValues.subjects[" + i + "]", subjects.get(i));
    }
    List<CustomExtension> customs = allCustomExtensions();
    for (int i = 0; i < customs.size(); i++) {
      String oid = customs.get(i).objectIdentifier();
      if (oid == null || !oid.matches("[0-2](\\.\\d+)+")) {
        problems.add(String.format(Locale.ROOT,
            "customExtensions[%d].objectIdentifier '%s' is not a dotted OID such as 1.3.6.1.4.1.57264.1.9", i, oid));
      }
    }
    for (int i = 0; i < oidMatchers.oidExtensions().size(); i++) {
      List<Integer> arcs = oidMatchers.oidExtensions().get(i).objectIdentifier();
      if (arcs.size() < 2 || arcs.stream().anyMatch(a -> a == null || a < 0)) {
        problems.add(String.format(Locale.ROOT,
            "monitoredValues.oidMatchers.oidExtensions[%d].objectIdentifier %s is not an OID: give integer arcs such as [1, 3, 6, 1] or a dotted string such as \"1.3.6.1\"",
            i, arcs));
      }
    }
    return problems;
  }

  private static void checkRegex(List<String> problems, String at, String regex) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(String.format(Locale.ROOT, "%s is not a valid regular expression '%s': %s: '%s' (RE2 syntax, as "
          + "rekor-monitor's Go regexp: no backreferences or lookaround)", at, regex, e.getDescription(), e.getPattern()));
    }
  }


  /** One {@code certIdentities} item. */
  public record CertIdentity(@JsonProperty("certSubject") String certSubject,
                             @JsonProperty("issuers") List<String> issuers) {
    public CertIdentity {
      issuers = issuers == null ? List.of() : List.copyOf(issuers);
    }
  }

  /** {@code oidMatchers}: OID extensions as integer arcs, Fulcio extensions by name, custom ones in dotted form. */
  public record OidMatchers(@JsonProperty("oidExtensions") List<OidExtension> oidExtensions,
                            @JsonProperty("fulcioExtensions") Map<String, List<String>> fulcioExtensions,
                            @JsonProperty("customExtensions") List<CustomExtension> customExtensions) {
    static final OidMatchers EMPTY = new OidMatchers(null, null, null);

    public OidMatchers {
      oidExtensions = oidExtensions == null ? List.of() : List.copyOf(oidExtensions);
      fulcioExtensions = fulcioExtensions == null ? Map.of() : Map.copyOf(fulcioExtensions);
      customExtensions = customExtensions == null ? List.of() : List.copyOf(customExtensions);
    }
  }

  /**
   * {@code oidExtensions} item: {@code objectIdentifier: [1, 3, 6, ...]} (rekor-monitor's type, Go's
   * {@code asn1.ObjectIdentifier}) or, as many users write it, a dotted string {@code "1.3.6.1.4.1.57264.1.9"}.
   * An arc that is not a non-negative integer becomes null, which {@link #problems()} reports.
   */
  public record OidExtension(List<Integer> objectIdentifier, List<String> extensionValues) {
    public OidExtension {
      objectIdentifier = objectIdentifier == null ? List.of()
          : java.util.Collections.unmodifiableList(new ArrayList<>(objectIdentifier));
      extensionValues = extensionValues == null ? List.of() : List.copyOf(extensionValues);
    }

    @JsonCreator
    static OidExtension fromYaml(@JsonProperty("objectIdentifier") Object objectIdentifier,
        @JsonProperty("extensionValues") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> extensionValues) {
      return new OidExtension(arcs(objectIdentifier), extensionValues);
    }

    private static List<Integer> arcs(Object written) {
      List<?> parts = written instanceof String s ? List.of(s.trim().split("\\.", -1))
          : written instanceof List<?> l ? l : written == null ? List.of() : List.of(written);
      List<Integer> arcs = new ArrayList<>();
      for (Object p : parts) {
        Integer arc = null;
        if (p instanceof Integer i) {
          arc = i;
        } else if (p instanceof String t && t.matches("\\d{1,9}")) {
          arc = Integer.valueOf(t);
        }
        arcs.add(arc);
      }
      return arcs;
    }
  }

  /** {@code customExtensions} item; a single value may be written without a list, as in rekor-monitor's README. */
  public record CustomExtension(@JsonProperty("objectIdentifier") String objectIdentifier,
                                @JsonProperty("extensionValues")
                                @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> extensionValues) {
    @JsonCreator
    public CustomExtension {
      extensionValues = extensionValues == null ? List.of() : List.copyOf(extensionValues);
    }
  }
}
