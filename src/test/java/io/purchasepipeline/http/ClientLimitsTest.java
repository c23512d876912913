package io.purchasepipeline.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limits on a clock of the test's own: no request depends on how fast the machine is. */
class ClientLimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void admitsABurstThenRefusesWith429AndRetryAfterUntilTheBucketRefills() {
        final ClientLimits limits = ClientLimits.perSecond(2, 3, 100, now::get);

        for (int i = 0; i < 3; i++) {
            limits.admitAddress("10.0.0.1");
        }
        assertThatThrownBy(() -> limits.admitAddress("10.0.0.1")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.getMessage()).isEqualTo("too many requests");
            assertThat(e.retryAfterSeconds()).isEqualTo(1);
            assertThat(e.details())
                    .containsExactly(
                            "at most 2 requests a second (bursts of 3) per client address on this route; retry in 1 s");
        });

        advance(Duration.ofMillis(500));
        assertThatCode(() -> limits.admitAddress("10.0.0.1"))
                .as("one request's worth refilled")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.admitAddress("10.0.0.1")).isInstanceOf(ApiException.class);
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextRequestIsAllowed() {
        final ClientLimits limits = ClientLimits.perSecond(1, 1, 100, now::get);
        limits.admitCustomer("alice");
        advance(Duration.ofMillis(100));

        assertThatThrownBy(() -> limits.admitCustomer("alice"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        final ClientLimits slow = ClientLimits.perSecond(1, 5, 100, now::get);
        for (int i = 0; i < 5; i++) {
            slow.admitAddress("10.0.0.9");
        }
        assertThatThrownBy(() -> slow.admitAddress("10.0.0.9"))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
    }

    @Test
    void eachAddressAndEachCustomerHasItsOwnShare() {
        final ClientLimits limits = ClientLimits.perSecond(1, 1, 100, now::get);
        limits.admitAddress("10.0.0.1");
        limits.admitCustomer("alice");

        assertThatThrownBy(() -> limits.admitAddress("10.0.0.1")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> limits.admitCustomer("alice")).isInstanceOf(ApiException.class);
        assertThatCode(() -> limits.admitAddress("10.0.0.2")).doesNotThrowAnyException();
        assertThatCode(() -> limits.admitCustomer("bob")).doesNotThrowAnyException();
        assertThatCode(() -> limits.admitAddress("alice"))
                .as("a customer and an address are apart, whatever their names")
                .doesNotThrowAnyException();
        assertThatCode(() -> limits.admitCustomer(null))
                .as("no customer: the address alone counts")
                .doesNotThrowAnyException();
    }

    @Test
    void forgetsAClientOnceItsBucketWouldBeFullAgain() {
        final ClientLimits limits = ClientLimits.perSecond(5, 10, 100, now::get);
        for (int i = 0; i < 20; i++) {
            limits.admitAddress("10.0.1." + i);
        }
        limits.admitCustomer("alice");
        assertThat(limits.tracked()).isEqualTo(21);

        // ten requests' worth at five a second: two seconds
        advance(Duration.ofMillis(1_900));
        assertThat(limits.tracked()).as("not yet refilled").isEqualTo(21);
        advance(Duration.ofMillis(200));
        assertThat(limits.tracked()).isZero();
    }

    @Test
    void theTableOfClientsIsBounded() {
        final ClientLimits limits = ClientLimits.perSecond(5, 10, 50, now::get);
        for (int i = 0; i < 5_000; i++) {
            limits.admitAddress("10.1." + (i / 250) + "." + (i % 250));
        }

        assertThat(limits.tracked()).isLessThanOrEqualTo(50);
    }

    @Test
    void offRefusesNothing() {
        final ClientLimits off = ClientLimits.perSecond(0, 10, 100, now::get);
        for (int i = 0; i < 1_000; i++) {
            off.admitAddress("10.0.0.1");
            off.admitCustomer("alice");
        }
        assertThat(off.enabled()).isFalse();
        assertThat(ClientLimits.off().enabled()).isFalse();
        assertThat(ClientLimits.perSecond(3, 0).toString())
                .as("the burst defaults to the rate")
                .isEqualTo("3 requests a second (bursts of 3)");
    }

    private void advance(final Duration by) {
        now.addAndGet(by.toNanos());
    }
}
