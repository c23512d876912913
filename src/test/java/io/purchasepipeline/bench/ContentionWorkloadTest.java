package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContentionWorkloadTest {

    @Test
    void sameSeedGivesSameAttempts() {
        assertThat(ContentionWorkload.hotKeys(5_000, 7).attemptKeys())
                .isEqualTo(ContentionWorkload.hotKeys(5_000, 7).attemptKeys());
        assertThat(ContentionWorkload.uniform(5_000, 7).attemptKeys())
                .isNotEqualTo(ContentionWorkload.uniform(5_000, 8).attemptKeys());
    }

    @Test
    void hotKeysSendNineInTenAttemptsToTenSkus() {
        final ContentionWorkload workload = ContentionWorkload.hotKeys(100_000, 1);

        final long hot =
                Arrays.stream(workload.attemptKeys()).filter(k -> k < 10).count();

        assertThat(workload.keys()).hasSize(1000);
        assertThat(hot / 100_000.0).isBetween(0.89, 0.91);
    }

    @Test
    void stockCoversNineTenthsOfEachSkusDemandRoundedUp() {
        final ContentionWorkload workload = ContentionWorkload.oneHotSku(1_005);

        assertThat(workload.keys()).containsExactly("one-hot-sku-0000");
        assertThat(workload.stock()).containsExactly(905);
        assertThat(ContentionWorkload.uniform(20_000, 3).totalStock()).isBetween(17_500L, 18_500L);
    }

    @Test
    void tenUsersRushEachSeatInTurn() {
        final ContentionWorkload workload = ContentionWorkload.seatRush(25);

        assertThat(workload.keys()).hasSize(3);
        assertThat(workload.keyOf(9)).isEqualTo("seat-rush-0000");
        assertThat(workload.keyOf(10)).isEqualTo("seat-rush-0001");
        assertThat(workload.stock()).containsOnly(1);
    }

    @Test
    void aWorkloadKeyedAnotherWayKeepsItsNameAndAttemptsOnKeysOfItsOwn() {
        final ContentionWorkload first = ContentionWorkload.oneHotSku(100);
        final ContentionWorkload second = first.keyedAs("one_hot_sku-w10000");

        assertThat(second.name()).isEqualTo(ContentionWorkload.ONE_HOT_SKU);
        assertThat(second.totalStock()).isEqualTo(first.totalStock());
        assertThat(second.attempts()).isEqualTo(first.attempts());
        assertThat(second.keys()).doesNotContainAnyElementsOf(first.keys());
    }

    @Test
    void attemptIdsReadBackOnlyForTheirOwnRun() {
        final String id = ContentionWorkload.attemptId("k3", 41);

        assertThat(ContentionWorkload.attemptIndex("k3", id)).isEqualTo(41);
        assertThat(ContentionWorkload.attemptIndex("k", id)).isEqualTo(-1);
        assertThat(ContentionWorkload.attemptIndex("k31", id)).isEqualTo(-1);
    }
}
