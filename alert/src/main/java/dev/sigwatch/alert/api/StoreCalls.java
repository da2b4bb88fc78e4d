package dev.sigwatch.alert.api;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a store call for a handler: the store's {@link IllegalArgumentException} (a bad cursor, a query it refuses)
 * becomes a 400 naming the parameter its message starts with, when that is one of the request's parameters.
 */
final class StoreCalls {
  private StoreCalls() {}

  static <T> T call(Set<String> params, Supplier<T> call) throws ApiException {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String first = msg.split("[ :]", 2)[0];
      throw ApiException.badParameter(params.contains(first) ? first : null, msg);
    }
  }
}
