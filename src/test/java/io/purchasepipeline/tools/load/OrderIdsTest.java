package io.purchasepipeline.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderIdsTest {

    private final OrderIds ids = new OrderIds(0x0123_4567_89ab_cdefL);

    @Test
    void anIdIsAUuidThatGivesBackItsSequenceNumber() {
        for (final long seq : new long[] {0, 1, 17, 65_535, 65_536, 1L << 40, Integer.MAX_VALUE}) {
            final String id = ids.id(seq);

            assertThat(UUID.fromString(id).toString()).isEqualTo(id);
            assertThat(ids.seq(id)).isEqualTo(seq);
        }
        assertThat(ids.id(17)).isEqualTo("01234567-89ab-cdef-0000-000000000011");
        assertThat(ids.runTag()).isEqualTo("01234567");
    }

    @Test
    void idsOfAnyoneElseAreNotTheRunsOwn() {
        final OrderIds otherRun = new OrderIds(0x0123_4567_89ab_cdeeL);

        assertThat(ids.seq(otherRun.id(17))).isEqualTo(-1);
        assertThat(ids.seq(UUID.randomUUID().toString())).isEqualTo(-1);
        assertThat(ids.seq("it-123")).isEqualTo(-1);
        assertThat(ids.seq("01234567-89ab-cdef-0000-00000000001x")).isEqualTo(-1);
        assertThat(ids.seq("01234567-89ab-cdef-00000000000000011")).isEqualTo(-1);
        assertThat(ids.seq(null)).isEqualTo(-1);
    }
}
