package dev.sigwatch.alert.api;

import dev.sigwatch.alert.store.AlertStore;
import dev.sigwatch.alert.web.WebAssets;
import dev.sigwatch.match.watchlist.WatchlistTopic;
import dev.sigwatch.match.CompactedTopic;
import dev.sigwatch.schemas.Authorization;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The alert stage's HTTP face: every {@code /api/v1} endpoint over the store and the watchlist topic, plus the web
 * page, on one {@link ApiServer}:
 * <pre>
 *   browser / curl ─► ApiServer (rate limit, auth, limits) ─┬─► AlertRoutes, SearchRoutes, LogRoutes, ReplayRoutes ─► AlertStore
 *                                                           ├─► WatchlistRoutes ─► sigwatch.watchlist (compacted topic)
 *                                                           ├─► AuthorizationRoutes ─► sigwatch.authorizations (compacted topic)
 *                                                           └─► WebAssets (index.html, app.js, app.css)
 * </pre>
 */
public final class AlertApi {
  private AlertApi() {}

  /** Every endpoint; {@code replays} may be null (then POST /replays answers 501). */
  public static List<Route> routes(AlertStore store, WatchlistTopic watchlist,
                                   CompactedTopic<Authorization> authorizations, ReplayStarter replays, Clock clock) {
    List<Route> all = new ArrayList<>(new MetaRoutes().routes());
    all.addAll(new AlertRoutes(store).routes());
    all.addAll(new SearchRoutes(store).routes());
    all.addAll(new LogRoutes(store, clock).routes());
    all.addAll(new WatchlistRoutes(watchlist, clock).routes());
    all.addAll(new AuthorizationRoutes(authorizations, clock).routes());
    all.addAll(new ReplayRoutes(store, replays).routes());
    return all;
  }

  /** Starts the API and the web page. */
  public static ApiServer start(ApiSettings settings, AlertStore store, WatchlistTopic watchlist,
                                CompactedTopic<Authorization> authorizations, ReplayStarter replays) throws IOException {
    return ApiServer.start(settings, routes(store, watchlist, authorizations, replays, Clock.systemUTC()),
        WebAssets.load());
  }
}
