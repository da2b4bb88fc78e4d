package dev.sigwatch.match.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Rekor v1 {@code tuf} entries: the keys of the TUF root, fingerprinted by their TUF key IDs. */
final class TufRoots {
  private TufRoots() {}

  static ParsedEntry parse(String kind, String version, JsonNode spec) throws EntryParseException {
    Json.object(spec, "metadata", "spec");
    JsonNode root = Json.object(Json.object(spec, "root", "spec"), "content", "spec.root");
    JsonNode keys = root.path("signed").path("keys");
    if (!keys.isObject()) {
      throw new EntryParseException("spec.root.content.signed.keys must be an object, but was: " + Json.describe(keys));
    }
    List<String> ids = new ArrayList<>();
    for (Iterator<String> it = keys.fieldNames(); it.hasNext(); ) {
      ids.add(it.next());
    }
    List<Signer> signers = ids.isEmpty() ? List.of() : List.of(new Signer.Key("tuf", ids, List.of()));
    return new ParsedEntry(kind, version, null, signers);
  }
}
