package io.purchasepipeline.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many requests one client may send to the routes that write (the order intake, the seat
 * commands): a token bucket per client address, and one per customer when tokens say who that is,
 * refilled at {@code rate} a second up to {@code burst}. Beyond it, {@code 429} with
 * {@code Retry-After}.
 *
 * <p>The table of clients is bounded: a client idle for as long as its bucket takes to fill up
 * again is forgotten (it would start full anyway), and at most {@link #MAX_CLIENTS} are kept per
 * table (beyond that the least useful entries go, which can only make a limit more lenient, never
 * stricter).
 */
public final class ClientLimits {

    /** Clients remembered per table: a bucket and its key take a few hundred bytes. */
    public static final int MAX_CLIENTS = 50_000;

    private final Bandwidth bandwidth;
    private final TimeMeter time;
    /** Null when the limits are off. */
    private final Cache<String, Bucket> addresses;

    private final Cache<String, Bucket> customers;
    private final String description;

    private ClientLimits(final int rate, final int burst, final int maxClients, final LongSupplier nanoTime) {
        this.description = rate + (rate == 1 ? " request" : " requests") + " a second (bursts of " + burst + ")";
        this.bandwidth = Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(rate, Duration.ofSeconds(1))
                .build();
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        // a bucket idle this long is full again: forgetting it changes nothing
        final Duration refill =
                Duration.ofNanos(Math.max(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(burst) / rate + 1));
        this.addresses = table(refill, maxClients, nanoTime);
        this.customers = table(refill, maxClients, nanoTime);
    }

    private ClientLimits() {
        this.description = "no per-client limits";
        this.bandwidth = null;
        this.time = null;
        this.addresses = null;
        this.customers = null;
    }

    public static ClientLimits off() {
        return new ClientLimits();
    }

    /**
     * @param rate requests a second per client; 0 or less: no limits
     * @param burst how many may come at once; 0 or less: {@code rate}
     */
    public static ClientLimits perSecond(final int rate, final int burst) {
        return perSecond(rate, burst, MAX_CLIENTS, System::nanoTime);
    }

    /** With its own clock (for tests). */
    static ClientLimits perSecond(final int rate, final int burst, final int maxClients, final LongSupplier nanoTime) {
        return rate <= 0 ? off() : new ClientLimits(rate, burst <= 0 ? rate : burst, maxClients, nanoTime);
    }

    public boolean enabled() {
        return addresses != null;
    }

    /** Takes one request from the client address's share, or refuses it with 429. */
    void admitAddress(final String address) {
        if (addresses != null) {
            admit(addresses, address, "per client address");
        }
    }

    /** Takes one request from the customer's share (whatever the address), or refuses it with 429. */
    void admitCustomer(final String customer) {
        if (customers != null && customer != null) {
            admit(customers, customer, "per customer");
        }
    }

    /** Clients remembered now, addresses and customers together (after expired ones are dropped). */
    long tracked() {
        if (addresses == null) {
            return 0;
        }
        addresses.cleanUp();
        customers.cleanUp();
        return addresses.estimatedSize() + customers.estimatedSize();
    }

    private void admit(final Cache<String, Bucket> table, final String client, final String who) {
        final ConsumptionProbe probe = table.get(
                        client,
                        key -> Bucket.builder()
                                .addLimit(bandwidth)
                                .withCustomTimePrecision(time)
                                .build())
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            final long seconds = Math.max(
                    1,
                    (probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            throw ApiException.tooManyRequests(
                    "at most " + description + " " + who + " on this route; retry in " + seconds + " s", seconds);
        }
    }

    private static Cache<String, Bucket> table(final Duration idle, final int maxClients, final LongSupplier nanoTime) {
        return Caffeine.newBuilder()
                .expireAfterAccess(idle)
                .maximumSize(maxClients)
                .ticker(nanoTime::getAsLong)
                // housekeeping on the request's own thread: no pool of ours to size or to stop
                .executor(Runnable::run)
                .build();
    }

    @Override
    public String toString() {
        return description;
    }
}
