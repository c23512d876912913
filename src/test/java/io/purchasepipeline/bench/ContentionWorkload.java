package io.purchasepipeline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One reservation workload, the same attempts for the streams store and for every SQL strategy:
 * attempt {@code i} asks for one unit of {@link #keyOf(int)} on behalf of its own order or user.
 * The keys are PHYSICAL SKUs stocked at 90% of their demand (rounded up), so each key also runs
 * out and every strategy has to refuse the rest, or SEATs, each sold at most once.
 *
 * @param name the workload's name in the results
 * @param description one sentence for the results
 * @param kind counted stock or unique seats
 * @param keys the SKUs (or seats); the workload's name is their prefix, so workloads never share a key
 * @param stock units of each key (1 for a seat)
 * @param attemptKeys the key index of each attempt, in the order the attempts are made
 */
public record ContentionWorkload(
        String name, String description, Kind kind, List<String> keys, long[] stock, int[] attemptKeys) {

    public static final String UNIFORM = "uniform";
    public static final String HOT_KEYS = "hot_keys";
    public static final String ONE_HOT_SKU = "one_hot_sku";
    public static final String SEAT_RUSH = "seat_rush";

    /** Users who rush each seat of {@link #seatRush(int)} as it goes on sale, one after the other. */
    static final int USERS_PER_SEAT = 10;

    public enum Kind {
        STOCK,
        SEATS
    }

    /** Attempts spread evenly over 1,000 SKUs: little contention, the best case for row locks. */
    public static ContentionWorkload uniform(final int attempts, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final int skus = 1000;
        final int[] picks = new int[attempts];
        for (int i = 0; i < attempts; i++) {
            picks[i] = random.nextInt(skus);
        }
        return stock(UNIFORM, "each attempt on one of 1,000 SKUs at random", skus, picks);
    }

    /** 90% of the attempts on 10 of 1,000 SKUs, the rest spread over the others: a sale's best sellers. */
    public static ContentionWorkload hotKeys(final int attempts, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final int skus = 1000;
        final int hot = 10;
        final int[] picks = new int[attempts];
        for (int i = 0; i < attempts; i++) {
            picks[i] = random.nextInt(10) < 9 ? random.nextInt(hot) : hot + random.nextInt(skus - hot);
        }
        return stock(HOT_KEYS, "90% of the attempts on 10 of 1,000 SKUs", skus, picks);
    }

    /**
     * Every attempt on one SKU: the one hot seat / hot SKU. Every attempt is a contended
     * read-then-write of the same row or key (is one unit left? take it), and the first 90% of them
     * succeed, so nearly every attempt writes.
     */
    public static ContentionWorkload oneHotSku(final int attempts) {
        return stock(ONE_HOT_SKU, "every attempt on one SKU, stocked for 90% of them", 1, new int[attempts]);
    }

    /**
     * Seats go on sale one after the other and {@value #USERS_PER_SEAT} users rush each one: the
     * first wins, the others must be refused, and no seat may be won by two users.
     */
    public static ContentionWorkload seatRush(final int attempts) {
        final int seats = (attempts + USERS_PER_SEAT - 1) / USERS_PER_SEAT;
        final int[] picks = new int[attempts];
        for (int i = 0; i < attempts; i++) {
            picks[i] = i / USERS_PER_SEAT;
        }
        final long[] stock = new long[seats];
        Arrays.fill(stock, 1);
        return new ContentionWorkload(
                SEAT_RUSH,
                USERS_PER_SEAT + " users rush each seat in turn",
                Kind.SEATS,
                keys(SEAT_RUSH, seats),
                stock,
                picks);
    }

    /** The four workloads of the benchmark, in the order they run. */
    public static List<ContentionWorkload> all(final int attempts, final long seed) {
        return List.of(uniform(attempts, seed), hotKeys(attempts, seed), oneHotSku(attempts), seatRush(attempts));
    }

    private static ContentionWorkload stock(
            final String name, final String description, final int skus, final int[] picks) {
        final long[] demand = new long[skus];
        for (final int pick : picks) {
            demand[pick]++;
        }
        final long[] stock = new long[skus];
        for (int k = 0; k < skus; k++) {
            stock[k] = demand[k] - demand[k] / 10;
        }
        return new ContentionWorkload(name, description, Kind.STOCK, keys(name, skus), stock, picks);
    }

    private static List<String> keys(final String name, final int count) {
        final List<String> keys = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            keys.add(String.format("%s-%04d", name.replace('_', '-'), k));
        }
        return List.copyOf(keys);
    }

    /** The same attempts and stock on keys of another prefix, so that one pipeline can run both. */
    public ContentionWorkload named(final String newName) {
        return new ContentionWorkload(newName, description, kind, keys(newName, keys.size()), stock, attemptKeys);
    }

    /**
     * The same workload, by the same name, on keys of another prefix: for a second run of it on one
     * pipeline, whose keys the first run has already sold out.
     */
    public ContentionWorkload keyedAs(final String prefix) {
        return new ContentionWorkload(name, description, kind, keys(prefix, keys.size()), stock, attemptKeys);
    }

    public int attempts() {
        return attemptKeys.length;
    }

    public String keyOf(final int attempt) {
        return keys.get(attemptKeys[attempt]);
    }

    /** Units on offer over all keys: what no correct strategy may exceed. */
    public long totalStock() {
        return Arrays.stream(stock).sum();
    }

    /** The order or user id of attempt {@code i} in the run tagged {@code run}; {@link #attemptIndex} reads it back. */
    public static String attemptId(final String run, final int attempt) {
        return run + "-" + attempt;
    }

    /** The attempt number in an id of {@code run}, or -1 when the id belongs to another run. */
    public static int attemptIndex(final String run, final String id) {
        if (id == null || !id.startsWith(run + "-")) {
            return -1;
        }
        try {
            return Integer.parseInt(id.substring(run.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
