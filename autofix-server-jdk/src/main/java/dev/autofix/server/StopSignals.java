package dev.autofix.server;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes SIGTERM and SIGINT over from the JVM, so that a stop the server handled ends with exit
 * status 0 (what a service manager calls a clean stop) instead of the JVM's 143 or 130.
 *
 * <p>The JDK has no supported signal API; {@code sun.misc.Signal} (module {@code jdk.unsupported})
 * is reached by reflection so the build stays free of its warning. Where it cannot be used (a JVM
 * started with {@code -Xrs}, another JDK), nothing is installed and the JVM's own handling runs the
 * shutdown hook as before: the same clean stop, exit status 143.
 */
final class StopSignals {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private StopSignals() {}

  /**
   * Calls {@code onSignal} with the signal's name (on a JVM signal thread) for each SIGTERM and
   * SIGINT from now on; returns the signals it took over (empty when none could be).
   */
  static List<String> install(Consumer<String> onSignal) {
    Objects.requireNonNull(onSignal, "onSignal == null");
    List<String> installed = new ArrayList<>();
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Method name = signalType.getMethod("getName");
      Object handler =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, args) -> {
                if (method.getName().equals("handle") && args != null && args.length == 1) {
                  onSignal.accept("SIG" + name.invoke(args[0]));
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "autofix stop handler";
                  default -> null;
                };
              });
      for (String signal : SIGNALS) {
        try {
          handle.invoke(null, signalType.getConstructor(String.class).newInstance(signal), handler);
          installed.add("SIG" + signal);
        } catch (ReflectiveOperationException | RuntimeException e) {
          LOG.debug("cannot handle SIG{} ({}); the JVM's own handling stays", signal, e);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("no signal handling ({}); a stop exits with the JVM's status", e.toString());
    }
    return List.copyOf(installed);
  }
}
