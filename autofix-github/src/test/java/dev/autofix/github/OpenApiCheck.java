package dev.autofix.github;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Checks what the publisher sends, and what the fake answers, against GitHub's own OpenAPI
 * description (a subset of {@code @octokit/openapi} 23.0.2 in {@code src/test/resources}).
 */
final class OpenApiCheck {
  private static volatile OpenApiInteractionValidator validator;

  private OpenApiCheck() {}

  /** The problems with a request; empty when it is valid. */
  static List<String> request(String method, HttpUrl url, Headers headers, String body) {
    SimpleRequest.Builder request = new SimpleRequest.Builder(method, url.encodedPath());
    for (String name : url.queryParameterNames()) {
      request.withQueryParam(name, url.queryParameterValues(name));
    }
    headers.names().forEach(n -> request.withHeader(n, headers.values(n)));
    if (!body.isEmpty()) {
      request.withBody(body);
    }
    return messages(validator().validateRequest(request.build()));
  }

  /** The problems with a 2xx answer to {@code method url}; empty when it is valid. */
  static List<String> response(HttpUrl url, String method, int status, String body) {
    SimpleResponse.Builder response =
        new SimpleResponse.Builder(status).withContentType("application/json");
    if (body != null && !body.isEmpty()) {
      response.withBody(body);
    }
    return messages(
        validator()
            .validateResponse(url.encodedPath(), Request.Method.valueOf(method), response.build()));
  }

  private static List<String> messages(ValidationReport report) {
    return report.getMessages().stream()
        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
        .map(m -> m.getKey() + ": " + m.getMessage())
        .toList();
  }

  private static OpenApiInteractionValidator validator() {
    OpenApiInteractionValidator v = validator;
    if (v == null) {
      synchronized (OpenApiCheck.class) {
        v = validator;
        if (v == null) {
          v =
              OpenApiInteractionValidator.createForInlineApiSpecification(spec())
                  .withLevelResolver(
                      LevelResolver.create()
                          // The spec lists application/json; GitHub recommends its own media type.
                          .withLevel(
                              "validation.request.accept.notAllowed", ValidationReport.Level.IGNORE)
                          .withLevel(
                              "validation.response.status.unknown", ValidationReport.Level.IGNORE)
                          .build())
                  .build();
          validator = v;
        }
      }
    }
    return v;
  }

  private static String spec() {
    try (InputStream in =
        OpenApiCheck.class.getResourceAsStream("github-pr-workflow.subset.openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("missing github-pr-workflow.subset.openapi.json");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
