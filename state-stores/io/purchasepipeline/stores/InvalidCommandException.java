package io.purchasepipeline.stores;

/**
 * A record that was read fine but cannot be applied (a negative price, an order without lines).
 * Thrown before anything is written, so the processing exception handler can send the record to
 * {@code dead-letters} and the task carries on with the next one.
 */
public final class InvalidCommandException extends IllegalArgumentException {

    public InvalidCommandException(final String message) {
        super(message);
    }

    public static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new InvalidCommandException(message);
        }
    }
}
