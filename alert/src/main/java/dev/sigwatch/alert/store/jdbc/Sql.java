package dev.sigwatch.alert.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A WHERE clause assembled from optional filters; every value is a bound parameter, never spliced into the SQL. */
final class Sql {
  private final StringBuilder sql;
  private final List<Object> params = new ArrayList<>();

  Sql(String start, Object... values) {
    sql = new StringBuilder(start);
    params.addAll(List.of(values));
  }

  Sql and(String condition, Object... values) {
    sql.append(" AND ").append(condition);
    params.addAll(List.of(values));
    return this;
  }

  /** {@code AND <before> <sub's SQL> <after>}, with {@code sub}'s parameters in their place. */
  Sql andSubquery(String before, Sql sub, String after) {
    sql.append(" AND ").append(before).append(sub.sql).append(after);
    params.addAll(sub.params);
    return this;
  }

  Sql append(String text, Object... values) {
    sql.append(text);
    params.addAll(List.of(values));
    return this;
  }

  /** {@code column IN (?, ...)}; nothing for an empty collection (no filter). */
  Sql in(String column, Collection<?> values) {
    if (values.isEmpty()) return this;
    sql.append(" AND ").append(column).append(" IN (");
    boolean first = true;
    for (Object v : values) {
      sql.append(first ? "?" : ", ?");
      params.add(v);
      first = false;
    }
    sql.append(')');
    return this;
  }

  PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql.toString());
    try {
      for (int i = 0; i < params.size(); i++) {
        Object v = params.get(i);
        if (v instanceof Long l) p.setLong(i + 1, l);
        else if (v instanceof Integer n) p.setInt(i + 1, n);
        else p.setString(i + 1, (String) v);
      }
    } catch (SQLException | RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  @Override
  public String toString() {
    return sql.toString();
  }

  /** Escapes LIKE's wildcards with backslash. */
  static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
