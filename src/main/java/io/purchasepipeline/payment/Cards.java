package io.purchasepipeline.payment;

/**
 * Card numbers are masked where they enter, so that no full number is ever written to a topic, a
 * store, a log or an email: what travels is the first six and last four digits (what PCI DSS lets
 * be shown), enough for the simulator to know its test cards. A real gateway would be given a
 * token from its vault here instead.
 */
public final class Cards {

    private static final int SHOWN_FIRST = 6;
    private static final int SHOWN_LAST = 4;

    private Cards() {}

    /** {@code 4242424242424242} → {@code 424242******4242}. */
    public static String mask(final String digits) {
        if (digits.length() <= SHOWN_FIRST + SHOWN_LAST) {
            return "*".repeat(digits.length());
        }
        return digits.substring(0, SHOWN_FIRST)
                + "*".repeat(digits.length() - SHOWN_FIRST - SHOWN_LAST)
                + digits.substring(digits.length() - SHOWN_LAST);
    }

    /** Whether {@code card}, masked or not, is the number {@code full}. */
    static boolean matches(final String card, final String full) {
        return card.equals(full) || card.equals(mask(full));
    }

    static boolean masked(final String card) {
        return card.indexOf('*') >= 0;
    }
}
