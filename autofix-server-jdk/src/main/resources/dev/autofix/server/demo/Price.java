/** What an order costs. */
public final class Price {
  private Price() {}

  /** The price in cents after a discount of {@code percent} percent (0 to 100). */
  public static long discounted(long cents, int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be 0 to 100: " + percent);
    }
    return cents * percent / 100;
  }
}
