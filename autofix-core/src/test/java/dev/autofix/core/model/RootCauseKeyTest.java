package dev.autofix.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RootCauseKeyTest {
  private static StackFrame frame(
      String file, int line, String function, String module, boolean inApp) {
    return new StackFrame(file, line, function, module, inApp, List.of());
  }

  private static ErrorDetails error(String type, String value, StackFrame... frames) {
    return new ErrorDetails(
        "e",
        List.of(new ExceptionInfo(type, value, null, List.of(frames))),
        List.of(),
        Map.of(),
        null,
        null,
        null);
  }

  private static String key(ErrorDetails details) {
    return RootCauseKey.of(details).map(RootCauseKey::value).orElse(null);
  }

  @Test
  void python_oneFrameReachedFromTwoEndpoints_withOtherMessagesAndLines_isOneKey() {
    ErrorDetails fromCheckout =
        error(
            "ZeroDivisionError",
            "division by zero",
            frame(
                "django/core/handlers/base.py",
                181,
                "_get_response",
                "django.core.handlers.base",
                false),
            frame("app/views/checkout.py", 40, "checkout", "app.views.checkout", true),
            frame("app/billing.py", 12, "compute_total", "app.billing", true));
    ErrorDetails fromInvoice =
        error(
            "ZeroDivisionError",
            "float division by zero",
            frame("app/views/invoice.py", 77, "invoice", "app.views.invoice", true),
            frame("app/billing.py", 14, "compute_total", "app.billing", true),
            frame("decimal.py", 3, "__truediv__", "decimal", false));

    assertThat(key(fromCheckout)).isEqualTo("ZeroDivisionError|app.billing|compute_total");
    assertThat(key(fromInvoice)).isEqualTo(key(fromCheckout));
    assertThat(
            key(
                error(
                    "ZeroDivisionError",
                    "division by zero",
                    frame("app/billing.py", 30, "compute_tax", "app.billing", true))))
        .as("another function is another root cause")
        .isNotEqualTo(key(fromCheckout));
    assertThat(
            key(
                error(
                    "KeyError",
                    "'sku'",
                    frame("app/billing.py", 12, "compute_total", "app.billing", true))))
        .as("another exception type too")
        .isNotEqualTo(key(fromCheckout));
  }

  @Test
  void java_numberedLambdasAndPackages_doNotCount() {
    ErrorDetails one =
        error(
            "java.lang.NullPointerException",
            "Cannot invoke \"String.length()\" because \"name\" is null",
            frame("Thread.java", 1583, "run", "java.lang.Thread", false),
            frame(
                "OrderService.java", 88, "lambda$submit$0", "com.acme.orders.OrderService", true));
    ErrorDetails two =
        error(
            "NullPointerException",
            "null",
            frame(
                "OrderService.java",
                91,
                "lambda$submit$3",
                "com.acme.orders.OrderService$1",
                true));

    assertThat(key(one))
        .isEqualTo("NullPointerException|com.acme.orders.OrderService|lambda$submit");
    assertThat(key(two)).isEqualTo(key(one));
  }

  @Test
  void javascript_buildHashesVersionsHostsAndQueries_doNotCount() {
    ErrorDetails browser =
        error(
            "TypeError",
            "Cannot read properties of undefined (reading 'id')",
            frame(
                "https://cdn.acme.com/static/js/main.3f2a9c1e.chunk.js?v=12",
                1,
                "renderCart",
                null,
                true));
    ErrorDetails afterADeploy =
        error(
            "TypeError",
            "undefined is not an object (evaluating 'e.id')",
            frame(
                "https://www.acme.com/static/js/main.77b01d9a.chunk.js",
                2,
                "renderCart",
                null,
                true));
    ErrorDetails versioned =
        error("TypeError", "x", frame("/js/prod/runner-4.1.7.min.js", 1, "run", null, true));

    assertThat(key(browser)).isEqualTo("TypeError|static/js/main.*.chunk.js|renderCart");
    assertThat(key(afterADeploy)).isEqualTo(key(browser));
    assertThat(key(versioned)).isEqualTo("TypeError|js/prod/runner-*.min.js|run");
    assertThat(
            key(
                error(
                    "TypeError",
                    "x",
                    frame("webpack:///./src/facade.js", 3, "<anonymous>", null, true))))
        .as("a word of hex letters is no hash; an anonymous function is one mark")
        .isEqualTo("TypeError|src/facade.js|?");
  }

  @Test
  void anErrorWithNoFrameOfTheAppsOwn_hasNoKey_andIsNeverGrouped() {
    assertThat(
            RootCauseKey.of(
                error(
                    "ConnectionError",
                    "pool exhausted",
                    frame(
                        "urllib3/connectionpool.py",
                        700,
                        "urlopen",
                        "urllib3.connectionpool",
                        false))))
        .isEqualTo(Optional.empty());
    assertThat(RootCauseKey.of(ErrorDetails.none())).isEmpty();
  }

  @Test
  void aCauseWithAppFrames_givesTheKey_whenTheOuterExceptionHasNone() {
    ErrorDetails chained =
        new ErrorDetails(
            "e",
            List.of(
                new ExceptionInfo(
                    "RuntimeException",
                    "wrapped",
                    null,
                    List.of(frame("Lib.java", 1, "call", "lib.Lib", false))),
                new ExceptionInfo(
                    "IllegalStateException",
                    "no stock",
                    null,
                    List.of(frame("Stock.java", 9, "take", "com.acme.Stock", true)))),
            List.of(),
            Map.of(),
            null,
            null,
            null);

    assertThat(key(chained)).isEqualTo("IllegalStateException|com.acme.Stock|take");
  }
}
