package dev.sigwatch.simulator.http;

/** Serves the requests below one path prefix. Implementations must be thread-safe. */
@FunctionalInterface
public interface Route {
  /** Returns the response for {@code request}; never null. */
  Response handle(Request request) throws Request.BadRequest;
}
