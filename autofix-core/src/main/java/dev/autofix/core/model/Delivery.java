package dev.autofix.core.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One webhook delivery as it arrived: its headers and the exact bytes of its body (signatures are
 * computed over those bytes, never over re-serialized JSON).
 *
 * @param headers the request headers; names are matched without regard to case
 * @param body the raw request body
 */
public record Delivery(Map<String, String> headers, byte[] body) {
  public Delivery {
    Objects.requireNonNull(headers, "headers == null");
    Objects.requireNonNull(body, "body == null");
    TreeMap<String, String> normalized = new TreeMap<>();
    headers.forEach(
        (name, value) -> {
          if (name != null && value != null) {
            normalized.put(name.toLowerCase(Locale.ROOT), value);
          }
        });
    headers = Collections.unmodifiableMap(normalized);
    body = body.clone();
  }

  /** The value of header {@code name}, matched without regard to case. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /** A copy of the raw body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes. */
  public int size() {
    return body.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Delivery other
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * headers.hashCode() + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Delivery[headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
  }
}
