package io.purchasepipeline.tools.load;

import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Orders per second, or as fast as the pipeline keeps up ({@code max}, also written 0), when only
 * the window of orders in flight holds the sender back.
 */
public record Rate(int perSecond) {

    static final Rate MAX = new Rate(0);

    public Rate {
        if (perSecond < 0) {
            throw new IllegalArgumentException("a rate is at least 0 orders/s, not " + perSecond);
        }
    }

    public boolean max() {
        return perSecond == 0;
    }

    /**
     * When order {@code seq} (from 0) is due, on a fixed schedule from {@code startNanos}: a sender
     * that fell behind sends the late ones at once rather than shifting every later order. At the
     * maximum rate every order is due at the start.
     */
    long dueNanos(final long startNanos, final long seq) {
        if (max()) {
            return startNanos;
        }
        return startNanos + seq * TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    @Override
    public String toString() {
        return max() ? "max" : Integer.toString(perSecond);
    }

    /** {@code max}, 0 or a whole number of orders per second. */
    public static final class Converter implements ITypeConverter<Rate> {

        @Override
        public Rate convert(final String value) {
            if ("max".equalsIgnoreCase(value.trim())) {
                return MAX;
            }
            try {
                final int perSecond = Integer.parseInt(value.trim());
                if (perSecond >= 0) {
                    return new Rate(perSecond);
                }
            } catch (NumberFormatException e) {
                // reported below, with what is accepted
            }
            throw new TypeConversionException(
                    "'" + value + "' is not a rate: orders per second (a whole number >= 0) " + "or max");
        }
    }
}
