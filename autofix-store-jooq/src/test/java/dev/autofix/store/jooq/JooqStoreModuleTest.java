package dev.autofix.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.autofix.core.port.RateLimiter;
import dev.autofix.core.port.RunStore;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JooqStoreModuleTest {

  @Test
  void injector_resolvesTheStoreAndTheLimiter_fromADataSourceAndAClock() {
    Injector injector =
        Guice.createInjector(
            new JooqStoreModule(StoreConfig.embedded(Path.of("unused"))),
            new AbstractModule() {
              @Override
              protected void configure() {
                // never connected: the bindings only wrap it
                bind(DataSource.class).toInstance(new PGSimpleDataSource());
                bind(Clock.class).toInstance(Clock.systemUTC());
              }
            });

    assertThat(injector.getInstance(RunStore.class)).isInstanceOf(JooqRunStore.class);
    assertThat(injector.getInstance(RateLimiter.class)).isInstanceOf(PostgresRateLimiter.class);
    assertThat(injector.getInstance(RunStore.class)).isSameAs(injector.getInstance(RunStore.class));
  }

  @Test
  void runStore_namesTheDatabaseWithoutItsPassword_whenItIsUnreachable() {
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    unreachable.setURL("jdbc:postgresql://127.0.0.1:1/autofix");
    unreachable.setConnectTimeout(2);
    StoreConfig config =
        new StoreConfig(
            "jdbc:postgresql://127.0.0.1:1/autofix?user=fix&password=s3cret",
            null,
            null,
            Path.of("unused"),
            0,
            2,
            java.time.ZoneOffset.UTC,
            10);
    Injector injector =
        Guice.createInjector(
            new JooqStoreModule(config),
            new AbstractModule() {
              @Override
              protected void configure() {
                bind(DataSource.class).toInstance(unreachable);
                bind(Clock.class).toInstance(Clock.systemUTC());
              }
            });

    RunStore.InsertResult result =
        injector
            .getInstance(RunStore.class)
            .insertIfAbsent(
                dev.autofix.testkit.fixtures.Issues.anIssue().build(), java.time.Instant.now());

    assertThat(result).isInstanceOf(RunStore.Unavailable.class);
    assertThat(((RunStore.Unavailable) result).reason())
        .contains("127.0.0.1:1")
        .doesNotContain("s3cret");
  }
}
