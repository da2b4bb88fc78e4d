package dev.sigwatch.ingest.rekor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sigwatch.ingest.http.MalformedResponseException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.OptionalLong;

/**
 * A Rekor v1 retrieve answer for one entry too big for the response limit, read as a stream in one pass: the body is
 * base64-decoded as it arrives into SHA-256 (the leaf hash, {@code SHA-256(0x00 || body)}) and only its first
 * {@code keep} bytes are kept; the answer itself is hashed and its first {@code keep} bytes kept as evidence. Memory
 * is bounded by {@code keep} whatever the size.
 *
 * @param uuid the entry's UUID (the object's only field name)
 * @param logIndex its {@code logIndex}; -1 when the body broke the answer before it (the caller knows what it asked)
 * @param integratedTime {@code integratedTime}, if a number
 * @param bodyPrefix the first bytes of the decoded body (at most {@code keep}); null with {@code bodyError}
 * @param bodyBytes the decoded body's full length
 * @param leafHash {@code SHA-256(0x00 || body)} over the full decoded body; null with {@code bodyError}
 * @param bodyError why the body could not be read (absent, not base64); null when it could
 * @param rawPrefix the first bytes of the answer as served (at most {@code keep})
 * @param rawBytes the answer's length
 * @param rawSha256 SHA-256 of the answer as served (as far as it was read)
 */
public record StreamedEntry(String uuid, long logIndex, OptionalLong integratedTime, byte[] bodyPrefix, long bodyBytes,
    byte[] leafHash, String bodyError, byte[] rawPrefix, long rawBytes, byte[] rawSha256) {

  /**
   * Reads a retrieve answer holding exactly one {@code {uuid: entry}} object.
   *
   * @throws MalformedResponseException when it is not such JSON or has no numeric {@code logIndex}
   */
  public static StreamedEntry read(InputStream in, int keep) throws IOException {
    Tee raw = new Tee(in, keep);
    try (JsonParser p = JsonFactory.builder().build().createParser(raw)) {
      if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT
          || p.nextToken() != JsonToken.FIELD_NAME) {
        throw new MalformedResponseException("retrieve (streamed): want [{uuid: entry}]");
      }
      String uuid = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedResponseException("retrieve (streamed): entry is not an object");
      Long logIndex = null;
      OptionalLong integrated = OptionalLong.empty();
      Prefix body = null;
      String bodyError = "entry has no body";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("body") && t == JsonToken.VALUE_STRING) {
          Prefix b = new Prefix(keep);
          b.digest.update((byte) 0);
          try {
            p.readBinaryValue(b);
          } catch (JsonProcessingException | IllegalArgumentException notBase64) {
            // Jackson reports bad base64 either way (a misplaced space is an IllegalArgumentException: found by
            // StreamedEntryFuzzTest). The parser cannot go on inside a broken string: the rest is hashed as evidence,
            // the entry rejected.
            drain(raw);
            String why = notBase64 instanceof JsonProcessingException j ? j.getOriginalMessage() : notBase64.getMessage();
            return new StreamedEntry(uuid, logIndex == null ? -1 : logIndex, integrated, null, 0, null,
                "body is not base64: " + why, raw.prefix.toByteArray(), raw.count, raw.digest.digest());
          }
          body = b;
          bodyError = null;
        } else if (field.equals("logIndex") && t.isNumeric()) {
          logIndex = p.getLongValue();
        } else if (field.equals("integratedTime") && t.isNumeric()) {
          integrated = OptionalLong.of(p.getLongValue());
        } else {
          p.skipChildren();
        }
      }
      if (logIndex == null) throw new MalformedResponseException("retrieve (streamed): entry " + uuid + " has no logIndex");
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != JsonToken.END_ARRAY) {
        throw new MalformedResponseException("retrieve (streamed): want exactly one {uuid: entry}");
      }
      drain(raw); // whatever follows the JSON is hashed too: the evidence is of the whole answer
      return new StreamedEntry(uuid, logIndex, integrated, body == null ? null : body.prefix.toByteArray(),
          body == null ? 0 : body.count, body == null ? null : body.digest.digest(), bodyError, raw.prefix.toByteArray(),
          raw.count, raw.digest.digest());
    } catch (JsonProcessingException e) {
      throw new MalformedResponseException("retrieve (streamed): bad JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    while (in.read(buf) >= 0) {
      // counted and hashed by the tee
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Bytes written: counted, hashed, the first {@code keep} kept. */
  private static final class Prefix extends OutputStream {
    final MessageDigest digest = sha256();
    final ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    final int keep;
    long count;

    Prefix(int keep) {
      this.keep = keep;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
      int room = (int) Math.max(0, Math.min(len, keep - prefix.size()));
      if (room > 0) prefix.write(b, off, room);
      count += len;
    }
  }

  /** The answer as read: counted, hashed, the first {@code keep} bytes kept. */
  private static final class Tee extends FilterInputStream {
    final Prefix sink;
    final MessageDigest digest;
    final ByteArrayOutputStream prefix;
    long count;

    Tee(InputStream in, int keep) {
      super(in);
      this.sink = new Prefix(keep);
      this.digest = sink.digest;
      this.prefix = sink.prefix;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        sink.write(b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        sink.write(b, off, n);
        count += n;
      }
      return n;
    }
  }
}
