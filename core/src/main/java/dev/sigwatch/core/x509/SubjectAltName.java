package dev.sigwatch.core.x509;

import java.util.Objects;

/**
 * One subject alternative name of a certificate.
 *
 * @param type the GeneralName kind
 * @param value the name as text: an email, URI, DNS name, IP address literal, RFC 2253 directory name,
 *     or for an otherName its string value
 * @param otherNameOid the type-id of an otherName (Fulcio usernames use {@link FulcioOids#OTHER_NAME_SAN}),
 *     null for every other type
 */
public record SubjectAltName(Type type, String value, String otherNameOid) {
  /** The GeneralName kinds that Fulcio and this monitor care about. */
  public enum Type { EMAIL, URI, DNS, IP, OTHER_NAME, DIRECTORY_NAME }

  public SubjectAltName {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    if ((type == Type.OTHER_NAME) != (otherNameOid != null)) {
      throw new IllegalArgumentException(
          "otherNameOid must be set exactly for OTHER_NAME, type " + type + " oid " + otherNameOid);
    }
  }

  public static SubjectAltName of(Type type, String value) {
    return new SubjectAltName(type, value, null);
  }
}
