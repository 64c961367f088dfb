package dev.autofix.testkit;

import dev.autofix.core.port.RunStore;
import dev.autofix.testkit.contract.RunStoreContract;

class InMemoryRunStoreTest extends RunStoreContract {
  @Override
  protected RunStore newStore() {
    return new InMemoryRunStore();
  }
}
