package dev.autofix.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs tasks released at the same instant on a pool of threads, for contention tests. */
public final class Concurrently {
  private Concurrently() {}

  /** Runs {@code task} once on each of {@code threads} threads; returns every result in order. */
  public static <T> List<T> run(int threads, Callable<T> task)
      throws InterruptedException, ExecutionException {
    return run(threads, threads, i -> task);
  }

  /**
   * Runs {@code tasks} tasks (task {@code i} is {@code task.apply(i)}) on {@code threads} threads,
   * all released at once; returns every result in task order.
   */
  public static <T> List<T> run(int threads, int tasks, IntFunction<Callable<T>> task)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        Callable<T> one = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return one.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
