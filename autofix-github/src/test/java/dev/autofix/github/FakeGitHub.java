package dev.autofix.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A stateful fake of the few GitHub REST endpoints the publisher uses, on MockWebServer. Pull
 * requests are kept per head branch and rendered from GitHub's real 2026 response; error bodies are
 * the recorded or transcribed ones. Faults can be queued for the next matching request.
 */
final class FakeGitHub implements AutoCloseable {
  static final String SUPPORTED_VERSION = "2022-11-28";

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final String owner;
  private final String pathPrefix;
  private final String repo;
  private final ObjectNode template;
  private final JsonNode errorBodies;
  private final String notFound;
  private final String badCredentials;

  private final Map<String, List<ObjectNode>> pullsByBranch = new LinkedHashMap<>();
  private final Map<Integer, Set<String>> labels = new LinkedHashMap<>();
  private final Map<Integer, List<String>> reviewers = new LinkedHashMap<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private int nextNumber = 486;

  // Knobs the tests turn.
  String validToken = "ghp_fakeTokenForTests0123456789";

  /**
   * What {@code GET /repos/{o}/{r}} says: the {@code X-OAuth-Scopes} header (a classic token's;
   * none for a fine-grained one) and whether the token's account may push.
   */
  volatile String oauthScopes;

  volatile boolean mayPush = true;
  boolean draftsAllowed = true;
  boolean repoExists = true;
  String missingPermission = null;
  final Set<String> branchesWithoutCommits = new LinkedHashSet<>();

  /** A response for the next request that matches, optionally after applying it. */
  record Fault(Predicate<RecordedRequest> matches, MockResponse response, boolean applyFirst) {}

  FakeGitHub(String owner, String repo) {
    this(owner, repo, "");
  }

  /**
   * A fake under {@code pathPrefix}, for example {@code /api/v3} as GitHub Enterprise Server serves
   * its API.
   */
  FakeGitHub(String owner, String repo, String pathPrefix) {
    this.pathPrefix = pathPrefix;
    this.owner = owner;
    this.repo = repo;
    this.template = (ObjectNode) readJson("pull-created-2026.json");
    this.errorBodies = readJson("error-bodies.json");
    this.notFound = readText("not-found.json");
    this.badCredentials = readText("bad-credentials.json");
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            HttpUrl apiUrl = withoutPrefix(request.getUrl());
            OpenApiCheck.request(
                    request.getMethod(),
                    apiUrl,
                    request.getHeaders(),
                    request.getBody() == null ? "" : request.getBody().utf8())
                .forEach(m -> violations.add(request.getRequestLine() + ": " + m));
            MockResponse response;
            synchronized (FakeGitHub.this) {
              response = handle(request);
            }
            if (response.getCode() / 100 == 2) {
              OpenApiCheck.response(
                      apiUrl, request.getMethod(), response.getCode(), bodyOf(response))
                  .forEach(m -> violations.add("answer to " + request.getRequestLine() + ": " + m));
            }
            return response;
          }
        });
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI apiUrl() {
    return server.url(pathPrefix + "/").uri();
  }

  private HttpUrl withoutPrefix(HttpUrl url) {
    String path = url.encodedPath();
    if (!pathPrefix.isEmpty() && path.startsWith(pathPrefix + "/")) {
      return url.newBuilder().encodedPath(path.substring(pathPrefix.length())).build();
    }
    return url;
  }

  synchronized void failNext(String method, String pathSuffix, MockResponse response) {
    faults.add(new Fault(matcher(method, pathSuffix), response, false));
  }

  /** The next matching request takes effect, but the client sees {@code response}. */
  synchronized void failNextAfterApplying(String method, String pathSuffix, MockResponse response) {
    faults.add(new Fault(matcher(method, pathSuffix), response, true));
  }

  synchronized List<JsonNode> pulls() {
    List<JsonNode> all = new ArrayList<>();
    pullsByBranch.values().forEach(all::addAll);
    return all;
  }

  synchronized Set<String> labelsOf(int number) {
    return Set.copyOf(labels.getOrDefault(number, Set.of()));
  }

  synchronized List<String> reviewersOf(int number) {
    return List.copyOf(reviewers.getOrDefault(number, List.of()));
  }

  /** Puts a pull request there as if someone had opened it. */
  synchronized ObjectNode seedPull(String branch, String state, boolean merged) {
    ObjectNode pull = newPull("seeded", "seeded", branch, "main", false);
    pull.put("state", state);
    if (merged) {
      pull.put("merged", true).put("merged_at", "2026-11-01T00:00:00Z");
    }
    return pull;
  }

  /**
   * What broke GitHub's OpenAPI description: requests the publisher sent, answers the fake gave.
   */
  List<String> violations() {
    return List.copyOf(violations);
  }

  private static String bodyOf(MockResponse response) {
    if (response.getBody() == null) {
      return "";
    }
    try {
      okio.Buffer buffer = new okio.Buffer();
      response.getBody().writeTo(buffer);
      return buffer.readUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  long count(String method, String pathSuffix) {
    return requests.stream().filter(matcher(method, pathSuffix)).count();
  }

  @Override
  public void close() {
    server.close();
  }

  private static Predicate<RecordedRequest> matcher(String method, String pathSuffix) {
    return r -> r.getMethod().equals(method) && r.getUrl().encodedPath().endsWith(pathSuffix);
  }

  private MockResponse handle(RecordedRequest request) {
    Fault fault = null;
    for (Fault f : faults) {
      if (f.matches().test(request)) {
        fault = f;
        break;
      }
    }
    if (fault != null) {
      faults.remove(fault);
      if (fault.applyFirst()) {
        handleForReal(request);
      }
      return fault.response();
    }
    return handleForReal(request);
  }

  private MockResponse handleForReal(RecordedRequest request) {
    String userAgent = request.getHeaders().get("User-Agent");
    if (userAgent == null || userAgent.isBlank()) {
      return text(
          403,
          "Request forbidden by administrative rules. Please make sure your request has a"
              + " User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
    }
    String version = request.getHeaders().get("X-GitHub-Api-Version");
    if (version != null && !version.equals(SUPPORTED_VERSION)) {
      return error(400, "API version " + version + " is not supported.");
    }
    String auth = request.getHeaders().get("Authorization");
    if (validToken != null && !("Bearer " + validToken).equals(auth)) {
      return json(401, badCredentials);
    }
    String path = request.getUrl().encodedPath();
    if (!pathPrefix.isEmpty() && !path.startsWith(pathPrefix + "/")) {
      return json(404, notFound);
    }
    List<String> segments = withoutPrefix(request.getUrl()).pathSegments();
    if (segments.size() < 3
        || !segments.get(0).equals("repos")
        || !segments.get(1).equals(owner)
        || !segments.get(2).equals(repo)
        || !repoExists) {
      return json(404, notFound);
    }
    List<String> rest = segments.subList(3, segments.size());
    String method = request.getMethod();
    if (method.equals("GET") && rest.equals(List.of("pulls"))) {
      return listPulls(request.getUrl());
    }
    if (method.equals("GET") && rest.isEmpty()) {
      MockResponse.Builder repository =
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/json; charset=utf-8")
              .body(
                  "{\"full_name\":\""
                      + owner
                      + "/"
                      + repo
                      + "\",\"private\":true,\"permissions\":{\"admin\":false,\"push\":"
                      + mayPush
                      + ",\"pull\":true}}");
      if (oauthScopes != null) {
        repository.addHeader("X-OAuth-Scopes", oauthScopes);
      }
      return repository.build();
    }
    if (missingPermission != null && method.equals("POST")) {
      return new MockResponse.Builder()
          .code(403)
          .addHeader("Content-Type", "application/json; charset=utf-8")
          .addHeader("X-Accepted-GitHub-Permissions", missingPermission)
          .body(
              "{\"message\":\"Resource not accessible by personal access token\","
                  + "\"documentation_url\":\"https://docs.github.com/rest/pulls/pulls#create-a-pull-request\","
                  + "\"status\":\"403\"}")
          .build();
    }
    if (method.equals("POST") && rest.equals(List.of("pulls"))) {
      return createPull(body(request));
    }
    if (method.equals("POST") && rest.size() == 3 && rest.get(0).equals("issues")) {
      return addLabels(Integer.parseInt(rest.get(1)), body(request));
    }
    if (method.equals("POST") && rest.size() == 3 && rest.get(2).equals("requested_reviewers")) {
      return requestReviewers(Integer.parseInt(rest.get(1)), body(request));
    }
    return json(404, notFound);
  }

  private MockResponse listPulls(HttpUrl url) {
    String head = url.queryParameter("head");
    String state = url.queryParameter("state") == null ? "open" : url.queryParameter("state");
    ArrayNode out = json.createArrayNode();
    for (Map.Entry<String, List<ObjectNode>> entry : pullsByBranch.entrySet()) {
      // Like GitHub: a head without "owner:" is silently ignored, and every pull request returned.
      if (head != null && head.contains(":") && !head.equals(owner + ":" + entry.getKey())) {
        continue;
      }
      for (ObjectNode pull : entry.getValue()) {
        if (state.equals("all") || state.equals(pull.get("state").asText())) {
          out.add(simple(pull));
        }
      }
    }
    return json(200, out.toString());
  }

  private MockResponse createPull(JsonNode body) {
    String head = body.path("head").asText();
    String base = body.path("base").asText();
    boolean draft = body.path("draft").asBoolean(false);
    if (head.isEmpty() || base.isEmpty() || !body.has("title")) {
      return error(422, "Validation Failed");
    }
    for (ObjectNode existing : pullsByBranch.getOrDefault(head, List.of())) {
      if (existing.get("state").asText().equals("open")) {
        return json(
            422,
            errorBody(
                "pulls_create_422_already_exists",
                "yoyodyne-corporation:new_branch",
                owner + ":" + head));
      }
    }
    if (branchesWithoutCommits.contains(head)) {
      return json(
          422,
          errorBody(
              "pulls_create_422_no_commits",
              "between master and dev_01",
              "between " + base + " and " + head));
    }
    if (draft && !draftsAllowed) {
      return json(422, errorBody("pulls_create_422_draft_not_supported", "", ""));
    }
    ObjectNode pull =
        newPull(body.path("title").asText(), body.path("body").asText(), head, base, draft);
    return new MockResponse.Builder()
        .code(201)
        .addHeader("Content-Type", "application/json; charset=utf-8")
        .addHeader("Location", pull.get("url").asText())
        .addHeader("x-github-api-version-selected", SUPPORTED_VERSION)
        .addHeader("X-RateLimit-Remaining", "4999")
        .body(pull.toString())
        .build();
  }

  private ObjectNode newPull(String title, String body, String head, String base, boolean draft) {
    int number = nextNumber++;
    ObjectNode pull = template.deepCopy();
    String api = "https://api.github.com/repos/" + owner + "/" + repo;
    pull.put("number", number)
        .put("id", 1_000_000L + number)
        .put("node_id", "PR_fake" + number)
        .put("title", title)
        .put("body", body)
        .put("draft", draft)
        .put("state", "open")
        .put("url", api + "/pulls/" + number)
        .put("html_url", "https://github.com/" + owner + "/" + repo + "/pull/" + number)
        .put("issue_url", api + "/issues/" + number)
        .put("merged", false)
        .putNull("merged_at")
        .putNull("closed_at");
    ObjectNode headNode = (ObjectNode) pull.get("head");
    headNode.put("ref", head).put("label", owner + ":" + head);
    ((ObjectNode) pull.get("base")).put("ref", base).put("label", owner + ":" + base);
    pull.putArray("labels");
    pullsByBranch.computeIfAbsent(head, b -> new ArrayList<>()).add(pull);
    return pull;
  }

  /**
   * The {@code pull-request-simple} form that lists and review requests return: the full form
   * without the fields only {@code GET/POST} of one pull request carry (the OpenAPI check caught
   * it).
   */
  private static ObjectNode simple(ObjectNode pull) {
    ObjectNode simple = pull.deepCopy();
    simple.remove(
        List.of(
            "additions",
            "changed_files",
            "comments",
            "commits",
            "deletions",
            "maintainer_can_modify",
            "mergeable",
            "mergeable_state",
            "merged",
            "merged_by",
            "rebaseable",
            "review_comments"));
    return simple;
  }

  private MockResponse addLabels(int number, JsonNode body) {
    Set<String> set = labels.computeIfAbsent(number, n -> new LinkedHashSet<>());
    body.path("labels").forEach(l -> set.add(l.asText()));
    ArrayNode out = json.createArrayNode();
    for (String name : set) {
      // New labels are created on the fly with GitHub's default colour.
      int id = Math.abs(name.hashCode());
      out.addObject()
          .put("id", id)
          .put("node_id", "LA_fake" + id)
          .put("url", "https://api.github.com/repos/" + owner + "/" + repo + "/labels/" + name)
          .put("name", name)
          .putNull("description")
          .put("color", "ededed")
          .put("default", false);
    }
    return json(200, out.toString());
  }

  private MockResponse requestReviewers(int number, JsonNode body) {
    List<String> list = reviewers.computeIfAbsent(number, n -> new ArrayList<>());
    body.path("reviewers").forEach(r -> list.add(r.asText()));
    for (List<ObjectNode> pulls : pullsByBranch.values()) {
      for (ObjectNode pull : pulls) {
        if (pull.get("number").asInt() == number) {
          return json(201, simple(pull).toString());
        }
      }
    }
    return json(404, notFound);
  }

  private String errorBody(String key, String from, String to) {
    String body = errorBodies.get(key).get("body").toString();
    return from.isEmpty() ? body : body.replace(from, to);
  }

  private JsonNode body(RecordedRequest request) {
    try {
      return json.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json; charset=utf-8")
        .addHeader("x-github-api-version-selected", SUPPORTED_VERSION)
        .body(body)
        .build();
  }

  static MockResponse error(int code, String message) {
    return json(
        code,
        "{\"message\":\"" + message + "\",\"documentation_url\":\"https://docs.github.com/rest\"}");
  }

  private static MockResponse text(int code, String message) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "text/plain")
        .body(message)
        .build();
  }

  private JsonNode readJson(String name) {
    try {
      return json.readTree(readText(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readText(String name) {
    try (InputStream in = FakeGitHub.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
