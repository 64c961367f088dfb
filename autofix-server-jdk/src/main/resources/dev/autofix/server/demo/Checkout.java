/** Charges an order. */
public final class Checkout {
  private Checkout() {}

  /** What the customer pays for {@code cents} with a discount of {@code percent} percent. */
  public static long charge(long cents, int percent) {
    long total = Price.discounted(cents, percent);
    if (percent < 50 && total < cents / 2) {
      throw new IllegalStateException(
          "charged " + total + " cents for a " + cents + "-cent order with a " + percent
              + "% discount");
    }
    return total;
  }
}
