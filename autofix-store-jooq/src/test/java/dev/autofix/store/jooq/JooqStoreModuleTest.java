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
}
