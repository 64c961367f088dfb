package dev.autofix.sentry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autofix.sentry.internal.IssueReference.ById;
import dev.autofix.sentry.internal.IssueReference.ByShortId;
import dev.autofix.sentry.internal.IssueReference.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IssueReferenceTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "4711",
        " 4711\n",
        "https://acme.sentry.io/issues/4711/",
        "https://acme.sentry.io/issues/4711/?project=2&query=is%3Aunresolved",
        "https://acme.sentry.io/issues/4711/events/9999aaaaca8b46d797c23c6077c6ff01/",
        "https://sentry.io/organizations/acme/issues/4711/",
        "https://us.sentry.io/organizations/acme/issues/4711",
        "http://sentry.internal:9000/organizations/acme/issues/4711/",
        "HTTPS://ACME.SENTRY.IO/issues/4711/"
      })
  void urlsAndIds_nameTheNumericId(String reference) {
    assertThat(IssueReference.parse(reference, "acme")).isEqualTo(new ById("4711"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHOP-4Z", "shop-4z", "PUMP-STATION-1", "my_app-A1"})
  void shortIds_areUpperCased(String reference) {
    assertThat(IssueReference.parse(reference, "acme"))
        .isInstanceOfSatisfying(
            ByShortId.class,
            s -> assertThat(s.shortId()).isEqualTo(reference.toUpperCase(java.util.Locale.ROOT)));
  }

  @Test
  void aUrlWithAShortId_namesTheShortId() {
    assertThat(IssueReference.parse("https://acme.sentry.io/issues/SHOP-4Z/", "acme"))
        .isEqualTo(new ByShortId("SHOP-4Z"));
  }

  @Test
  void aUrlOfAnotherOrganization_isRefused_namingTheSetting() {
    assertThat(IssueReference.parse("https://sentry.io/organizations/evil/issues/1/", "acme"))
        .isInstanceOfSatisfying(
            Invalid.class,
            i -> assertThat(i.reason()).contains("evil").contains("AUTOFIX_SENTRY_ORG"));
    assertThat(IssueReference.parse("https://evil.sentry.io/issues/1/", "acme"))
        .isInstanceOf(Invalid.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "4711; DROP TABLE runs",
        "../../../etc/passwd",
        "SHOP 4Z",
        "-4Z",
        "https://acme.sentry.io/projects/shop/",
        "https://acme.sentry.io/issues/",
        "https://acme.sentry.io/issues/%2e%2e/",
        "https://acme.sentry.io/issues/12%2F34/",
        "https:///issues/1/",
        "https://a b/issues/1/",
        "\u0000",
        "99999999999999999999999"
      })
  void anythingElse_isInvalid_andSaysWhatIsExpected(String reference) {
    assertThat(IssueReference.parse(reference, "acme")).isInstanceOf(Invalid.class);
  }

  @Test
  void aVeryLongReference_isRefusedBeforeItIsParsed() {
    assertThat(IssueReference.parse("1".repeat(IssueReference.MAX_LENGTH + 1), "acme"))
        .isInstanceOfSatisfying(Invalid.class, i -> assertThat(i.reason()).contains("longer than"));
  }

  @Test
  void theReasonQuotesNoControlCharacters() {
    assertThat(IssueReference.parse("bad\u001b[2Jref", "acme"))
        .isInstanceOfSatisfying(
            Invalid.class, i -> assertThat(i.reason()).doesNotContain("\u001b"));
  }
}
