/** The sample's tests: plain Java, run with the JDK alone (no build tool, no library). */
public final class PriceTest {
  public static void main(String[] args) {
    check(2000, 0, 2000);
    check(2000, 10, 1800);
    check(999, 100, 0);
    System.out.println("PriceTest: 3 checks passed");
  }

  private static void check(long cents, int percent, long expected) {
    long actual;
    try {
      actual = Price.discounted(cents, percent);
    } catch (RuntimeException e) {
      System.out.println("FAILED: discounted(" + cents + ", " + percent + ") threw " + e);
      System.exit(1);
      return;
    }
    if (actual != expected) {
      System.out.println(
          "FAILED: discounted(" + cents + ", " + percent + ") = " + actual + ", expected " + expected);
      System.exit(1);
    }
  }
}
