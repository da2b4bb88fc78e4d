package dev.sigwatch.match.watchlist;

import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.RuleType;
import dev.sigwatch.schemas.SubjectAltName;
import dev.sigwatch.schemas.WatchRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A compiled, immutable watchlist with rekor-monitor's {@code monitoredValues} semantics:
 * <ul>
 *   <li>CERT_IDENTITY: {@code certSubject} is an unanchored regex ({@code find}) over every SAN; when {@code issuers}
 *       is not empty, one of them (unanchored) must also match the OIDC issuer;</li>
 *   <li>SUBJECT: unanchored regex over the PGP/SSH/minisign subjects and the certificate subject DN;</li>
 *   <li>FINGERPRINT: exact, over the certificate fingerprint and every key fingerprint;</li>
 *   <li>FULCIO_EXTENSION (by name) and OID_EXTENSION (dotted): the extension's value equals one of the values.</li>
 * </ul>
 * Thread-safe (immutable); build a new one when rules change.
 */
public final class Watchlist {
  public static final Watchlist EMPTY = new Watchlist(List.of());

  /** {@code literal}: what every match of {@code subject} contains ({@link RequiredLiteral}), "" if unknown. */
  private record CertRule(String id, Pattern subject, String literal, List<Pattern> issuers) {}

  private record SubjectRule(String id, Pattern subject, String literal) {}

  private record ValueRule(String id, RuleType type, String oid, List<String> values) {}

  private final List<WatchRule> rules;
  private final List<CertRule> certRules = new ArrayList<>();
  private final List<SubjectRule> subjectRules = new ArrayList<>();
  private final Map<String, List<String>> fingerprintRules = new HashMap<>();
  private final List<ValueRule> valueRules = new ArrayList<>();

  private Watchlist(List<WatchRule> rules) {
    this.rules = List.copyOf(rules);
    for (WatchRule r : rules) {
      switch (r.getType()) {
        case CERT_IDENTITY -> {
          List<Pattern> issuers = new ArrayList<>();
          r.getIssuers().forEach(i -> issuers.add(Pattern.compile(i)));
          certRules.add(new CertRule(r.getRuleId(), Pattern.compile(r.getCertSubject()),
              RequiredLiteral.of(r.getCertSubject()), List.copyOf(issuers)));
        }
        case SUBJECT -> subjectRules.add(new SubjectRule(r.getRuleId(), Pattern.compile(r.getValue()),
            RequiredLiteral.of(r.getValue())));
        case FINGERPRINT -> fingerprintRules.computeIfAbsent(r.getValue(), k -> new ArrayList<>()).add(r.getRuleId());
        case FULCIO_EXTENSION -> valueRules.add(new ValueRule(r.getRuleId(), r.getType(),
            FulcioExtensionNames.oid(r.getOid()).orElseThrow(), List.copyOf(r.getValues())));
        case OID_EXTENSION -> valueRules.add(new ValueRule(r.getRuleId(), r.getType(), r.getOid(),
            List.copyOf(r.getValues())));
        default -> throw new IllegalArgumentException("rule " + r.getRuleId() + ": unknown type " + r.getType());
      }
    }
  }

  /**
   * Compiles {@code rules}; every rule must be valid ({@link #problem} returns null for it).
   *
   * @throws IllegalArgumentException naming the first invalid rule
   */
  public static Watchlist of(Collection<WatchRule> rules) {
    for (WatchRule r : rules) {
      String p = problem(r);
      if (p != null) {
        throw new IllegalArgumentException(p);
      }
    }
    return new Watchlist(List.copyOf(rules));
  }

  /** What is wrong with a rule, or null if it is valid. */
  public static String problem(WatchRule r) {
    String at = "rule " + r.getRuleId() + " (" + r.getType() + ")";
    switch (r.getType()) {
        case CERT_IDENTITY -> {
          if (r.getCertSubject() == null || r.getCertSubject().isEmpty()) {
            return at + ": certSubject is missing";
          }
          String bad = regexProblem(at, r.getCertSubject());
          for (String i : r.getIssuers()) {
            bad = bad != null ? bad : regexProblem(at, i);
          }
          if (bad != null) return bad;
        }
        case SUBJECT, FINGERPRINT -> {
          if (r.getValue() == null || r.getValue().isEmpty()) {
            return at + ": value is missing";
          }
          if (r.getType() == RuleType.SUBJECT) {
            String bad = regexProblem(at, r.getValue());
            if (bad != null) return bad;
          }
        }
        case FULCIO_EXTENSION -> {
          if (r.getOid() == null || FulcioExtensionNames.oid(r.getOid()).isEmpty()) {
            return at + ": '" + r.getOid() + "' is not a Fulcio extension name such as build-config-uri";
          }
          if (r.getValues().isEmpty()) {
            return at + ": values are missing";
          }
        }
        case OID_EXTENSION -> {
          if (r.getOid() == null || !r.getOid().matches("[0-2](\\.\\d+)+")) {
            return at + ": '" + r.getOid() + "' is not a dotted OID such as 1.3.6.1.4.1.57264.1.9";
          }
          if (r.getValues().isEmpty()) {
            return at + ": values are missing";
          }
        }
        default -> {
          return at + ": unknown rule type";
        }
    }
    return null;
  }

  /**
   * Null if {@code regex} compiles as RE2 (Go's regexp, which rekor-monitor uses), else a message naming the rule,
   * the expression and the construct RE2 lacks or rejects (backreferences, lookaround, possessive quantifiers...).
   */
  static String regexProblem(String at, String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return String.format(Locale.ROOT, "%s: '%s' is not a valid regular expression: %s: '%s' (RE2 syntax, as "
          + "rekor-monitor's Go regexp: no backreferences or lookaround)", at, regex, e.getDescription(), e.getPattern());
    }
  }

  public List<WatchRule> rules() {
    return rules;
  }

  public int size() {
    return rules.size();
  }

  /** Every rule that matches {@code e}, at most one match per rule, in rule order by kind. Empty: no match. */
  public List<RuleMatch> match(IdentityEvent e) {
    List<RuleMatch> out = null;
    List<SubjectAltName> sans = e.getSans();
    if (!sans.isEmpty()) {
      for (CertRule r : certRules) {
        for (SubjectAltName san : sans) {
          String v = san.getValue();
          if (v.contains(r.literal) && r.subject.matcher(v).find()) {
            String issuerWhy = issuerMatch(r, e.getOidcIssuer());
            if (issuerWhy != null) {
              out = add(out, new RuleMatch(r.id, RuleType.CERT_IDENTITY, v,
                  "SAN " + san.getType() + " '" + v + "' matches certSubject /" + r.subject.pattern() + "/" + issuerWhy));
            }
            break;
          }
        }
      }
    }
    for (SubjectRule r : subjectRules) {
      for (String s : e.getSubjects()) {
        if (s.contains(r.literal) && r.subject.matcher(s).find()) {
          out = add(out, new RuleMatch(r.id, RuleType.SUBJECT, s, "subject '" + s + "' matches /" + r.subject.pattern() + "/"));
          break;
        }
      }
    }
    if (!fingerprintRules.isEmpty()) {
      out = fingerprint(out, e.getCertFingerprint(), "certificate fingerprint");
      for (String k : e.getKeyFingerprints()) {
        out = fingerprint(out, k, "key fingerprint");
      }
    }
    if (!valueRules.isEmpty() && !e.getExtensions().isEmpty()) {
      for (ValueRule r : valueRules) {
        String v = r.oid.equals(FulcioExtensionNames.OIDC_ISSUER) ? e.getOidcIssuer() : e.getExtensions().get(r.oid);
        if (v != null && r.values.contains(v)) {
          out = add(out, new RuleMatch(r.id, r.type, v, "extension " + r.oid + " = '" + v + "'"));
        }
      }
    }
    return out == null ? List.of() : out;
  }

  private List<RuleMatch> fingerprint(List<RuleMatch> out, String fp, String what) {
    if (fp == null) {
      return out;
    }
    List<String> ids = fingerprintRules.get(fp);
    if (ids != null) {
      for (String id : ids) {
        out = add(out, new RuleMatch(id, RuleType.FINGERPRINT, fp, what + " " + fp + " is watched"));
      }
    }
    return out;
  }

  /** "" when the rule has no issuers, " and issuer ... matches ..." when one matches, null when none does. */
  private static String issuerMatch(CertRule r, String issuer) {
    if (r.issuers.isEmpty()) {
      return "";
    }
    if (issuer == null) {
      return null;
    }
    for (Pattern p : r.issuers) {
      if (p.matcher(issuer).find()) {
        return ", issuer '" + issuer + "' matches /" + p.pattern() + "/";
      }
    }
    return null;
  }

  private static List<RuleMatch> add(List<RuleMatch> out, RuleMatch m) {
    List<RuleMatch> l = out == null ? new ArrayList<>(2) : out;
    l.add(m);
    return l;
  }
}
