package dev.sigwatch.match.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigwatch.match.parse.CtEntries;
import dev.sigwatch.match.parse.EntryParseException;
import dev.sigwatch.match.parse.IdentityEvents;
import dev.sigwatch.match.watchlist.MonitoredValues;
import dev.sigwatch.match.watchlist.RuleMatch;
import dev.sigwatch.match.watchlist.Watchlist;
import dev.sigwatch.match.watchlist.WatchRules;
import dev.sigwatch.schemas.IdentityEvent;
import dev.sigwatch.schemas.WatchRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sigwatch explain}: the identities extracted from an entry file and, for each, which rules match and why,
 * plus the rules that did not match. Stateless and thread-safe.
 */
public final class Explainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Explainer() {}

  public static ObjectNode explain(Path entryFile, MonitoredValues mv) throws IOException, EntryParseException {
    List<WatchRule> rules = WatchRules.from(mv, 0);
    Watchlist w = Watchlist.of(rules);
    ObjectNode out = JSON.createObjectNode();
    out.put("file", entryFile.toString());
    out.put("rules", rules.size());
    ArrayNode ids = out.putArray("identities");
    for (EntryFiles.Loaded l : EntryFiles.load(entryFile)) {
      List<IdentityEvent> events = l instanceof EntryFiles.Rekor r ? IdentityEvents.fromRekor(r.entry())
          : List.of(CtEntries.fromCt(((EntryFiles.Ct) l).entry()));
      for (IdentityEvent e : events) {
        ObjectNode n = ids.addObject();
        n.put("source", e.getSource().name()).put("log", e.getLogId()).put("logIndex", e.getLogIndex())
            .put("uuid", e.getUuid()).put("kind", e.getEntryKind() + " " + e.getEntryVersion())
            .put("artifactDigest", e.getArtifactDigest());
        ArrayNode sans = n.putArray("sans");
        e.getSans().forEach(s -> sans.addObject().put("type", s.getType()).put("value", s.getValue()));
        n.put("oidcIssuer", e.getOidcIssuer());
        ObjectNode ext = n.putObject("extensions");
        e.getExtensions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
            .forEach(x -> ext.put(x.getKey(), x.getValue()));
        n.putPOJO("subjects", e.getSubjects());
        n.put("certFingerprint", e.getCertFingerprint());
        n.putPOJO("keyFingerprints", e.getKeyFingerprints());
        n.put("tbsHash", e.getTbsHash());
        List<RuleMatch> matches = w.match(e);
        ArrayNode m = n.putArray("matches");
        matches.forEach(x -> m.addObject().put("ruleId", x.ruleId()).put("type", x.type().name())
            .put("identity", x.identity()).put("why", x.why()));
        ArrayNode none = n.putArray("notMatched");
        rules.stream().filter(r -> matches.stream().noneMatch(x -> x.ruleId().equals(r.getRuleId())))
            .forEach(r -> none.addObject().put("ruleId", r.getRuleId()).put("type", r.getType().name())
                .put("rule", describe(r)).put("whyNot", whyNot(r, e)));
      }
    }
    return out;
  }

  /**
   * Why {@code r} does not match {@code e}, in the words of its rule kind (the question a user asks when a rule did
   * not fire). Only meaningful for a rule that did not match.
   */
  static String whyNot(WatchRule r, IdentityEvent e) {
    return switch (r.getType()) {
      case CERT_IDENTITY -> {
        if (e.getSans().isEmpty()) {
          yield "the signer has no certificate SANs (a key, not a certificate)";
        }
        com.google.re2j.Pattern subject = com.google.re2j.Pattern.compile(r.getCertSubject());
        var san = e.getSans().stream().filter(x -> subject.matcher(x.getValue()).find()).findFirst();
        if (san.isEmpty()) {
          yield "no SAN matches certSubject /" + r.getCertSubject() + "/ (SANs: "
              + e.getSans().stream().map(x -> x.getValue()).toList() + ")";
        }
        yield "SAN '" + san.get().getValue() + "' matches certSubject /" + r.getCertSubject() + "/, but "
            + (e.getOidcIssuer() == null ? "the certificate names no OIDC issuer"
                : "issuer '" + e.getOidcIssuer() + "' matches none of " + r.getIssuers());
      }
      case SUBJECT -> e.getSubjects().isEmpty() ? "the signer names no subject"
          : "no subject matches /" + r.getValue() + "/ (subjects: " + e.getSubjects() + ")";
      case FINGERPRINT -> "fingerprint " + r.getValue() + " is neither the certificate fingerprint "
          + e.getCertFingerprint() + " nor one of the key fingerprints " + e.getKeyFingerprints();
      default -> {
        String oid = r.getType() == dev.sigwatch.schemas.RuleType.FULCIO_EXTENSION
            ? dev.sigwatch.match.watchlist.FulcioExtensionNames.oid(r.getOid()).orElse(r.getOid()) : r.getOid();
        String v = oid.equals(dev.sigwatch.match.watchlist.FulcioExtensionNames.OIDC_ISSUER) ? e.getOidcIssuer()
            : e.getExtensions().get(oid);
        yield v == null ? "the certificate has no extension " + oid
            : "extension " + oid + " = '" + v + "', not one of " + r.getValues();
      }
    };
  }

  static String describe(WatchRule r) {
    return switch (r.getType()) {
      case CERT_IDENTITY -> "certSubject /" + r.getCertSubject() + "/"
          + (r.getIssuers().isEmpty() ? "" : " issuers " + r.getIssuers());
      case SUBJECT -> "subject /" + r.getValue() + "/";
      case FINGERPRINT -> "fingerprint " + r.getValue();
      default -> r.getOid() + " in " + r.getValues();
    };
  }
}
