package dev.sigwatch.deploy.cli;

import dev.sigwatch.alert.api.ApiToken;
import dev.sigwatch.alert.api.Scope;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sigwatch api token}: makes a bearer token for the HTTP API and prints the config entry holding its hash. */
@Command(name = "api", mixinStandardHelpOptions = true,
    description = {"The HTTP API and web page served by 'sigwatch run' and 'sigwatch alert' (config section api:).",
        "Its OpenAPI document is at http://127.0.0.1:9480/api/v1/openapi.json; the page at http://127.0.0.1:9480/."},
    subcommands = ApiCommand.TokenCommand.class)
public final class ApiCommand {

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = {"Make a new random API token. Prints the token once (give it to its user; it is not stored "
          + "anywhere) and the entry to add under api.tokens in the config, which holds only its SHA-256.",
          "Scopes: read (alerts, search, logs, watchlist, replays) or admin (also acknowledge/resolve alerts, edit "
              + "the watchlist, start replays)."})
  static final class TokenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--name", required = true, description = "who holds it (recorded as who acknowledged or "
        + "resolved an alert): letters, digits, ._@-") String name;
    @Option(names = "--scope", defaultValue = "read", description = "read (default) or admin") String scope;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Scope s;
      try {
        s = Scope.parse(scope);
        new ApiToken(name, s, "0".repeat(64));
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("sigwatch api token: " + e.getMessage());
        return 2;
      }
      String token = ApiToken.generate();
      out.println("token:  " + token);
      out.println();
      out.println("Add to the config (only the hash is kept):");
      out.println("api:");
      out.println("  tokens:");
      out.printf(Locale.ROOT, "    - {name: %s, scope: %s, sha256: %s}%n", name, s.name().toLowerCase(Locale.ROOT),
          ApiToken.hash(token));
      out.println();
      out.println("Use it as: curl -H 'Authorization: Bearer " + token + "' http://127.0.0.1:9480/api/v1/alerts");
      return 0;
    }
  }
}
