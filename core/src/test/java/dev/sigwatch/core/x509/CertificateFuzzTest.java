package dev.sigwatch.core.x509;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.PrecertTbs;
import dev.sigwatch.core.ct.SctList;
import dev.sigwatch.core.fuzz.FuzzSeeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer targets for certificates and their extensions. The invariant: any input yields a value or a {@link
 * CertificateParseException} / {@link CtFormatException}; anything else (StackOverflowError, OutOfMemoryError, a
 * RuntimeException) escapes and is a finding. Without {@code JAZZER_FUZZ} the saved corpus and findings under
 * {@code src/test/resources/.../CertificateFuzzTestInputs/<method>} are replayed, and the fixtures below.
 */
class CertificateFuzzTest {
  static final String ISSUER_V2 = FulcioOids.ISSUER_V2;
  static final String UNKNOWN_ARC = "1.3.6.1.4.1.57264.1.99";

  @BeforeAll
  static void seed() {
    FuzzSeeds.write(CertificateFuzzTest.class, "certificate", certificates());
    FuzzSeeds.write(CertificateFuzzTest.class, "extensionValue", extensionValues());
  }

  /** A certificate (DER or PEM): identity fields, the precert TBS and the embedded SCTs. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 300_000)
  void certificate(byte[] input) {
    ParsedCertificate cert;
    try {
      cert = FulcioCertificate.parse(input).certificate();
    } catch (CertificateParseException expected) {
      return;
    }
    try {
      PrecertTbs.fromFinalCertificate(cert);
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
    try {
      SctList.fromCertificate(cert);
    } catch (CtFormatException expected) {
      // a value or a CtFormatException
    }
  }

  /** The contents of one extension: as a Fulcio DER-string arc, an undocumented arc and a subjectAltName. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void extensionValue(byte[] input) {
    for (String oid : new String[] {ISSUER_V2, UNKNOWN_ARC}) {
      try {
        FulcioExtensions.decode(oid, FulcioOids.arc(oid), input);
      } catch (CertificateParseException expected) {
        // a value or a CertificateParseException
      }
    }
    try {
      SubjectAltNames.fromExtnValue(input);
    } catch (CertificateParseException expected) {
      // a value or a CertificateParseException
    }
    try {
      Der.decode(input);
    } catch (IOException expected) {
      // a value or an IOException
    }
  }

  @ParameterizedTest
  @MethodSource("certificateFiles")
  void fixtureCertificates(Path file) {
    certificate(FuzzSeeds.read(file));
  }

  @ParameterizedTest
  @MethodSource("extensionValues")
  void fixtureExtensionValues(byte[] value) {
    extensionValue(value);
  }

  static Stream<Path> certificateFiles() {
    return Stream.concat(FuzzSeeds.files("certs", ".pem"), FuzzSeeds.files("certs", ".der"));
  }

  static Stream<byte[]> certificates() {
    return certificateFiles().map(FuzzSeeds::read);
  }

  /** The extnValue contents of every extension of every fixture certificate. */
  static Stream<byte[]> extensionValues() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] c : (Iterable<byte[]>) certificates()::iterator) {
      try {
        var extensions = ParsedCertificate.parse(c).tbs().getExtensions();
        for (var oid : extensions.getExtensionOIDs()) {
          out.add(extensions.getExtension(oid).getExtnValue().getOctets());
        }
      } catch (CertificateParseException e) {
        throw new AssertionError("fixture certificate does not parse", e);
      }
    }
    return out.stream();
  }
}
