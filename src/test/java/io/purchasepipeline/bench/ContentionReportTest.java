package io.purchasepipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentionReportTest {

    private static ContentionRun run(
            final String workload,
            final String strategy,
            final int clients,
            final double perSecond,
            final long oversold) {
        final String side = strategy.equals(ContentionRun.STREAMS_STORE) ? ContentionRun.STREAMS : ContentionRun.SQL;
        return new ContentionRun(
                workload, side, strategy, clients, clients, 1000, 900, 1, perSecond, 1, 2, oversold, 0, 0, 0, 0, null);
    }

    private final List<ContentionRun> runs = List.of(
            run(ContentionWorkload.ONE_HOT_SKU, SqlStrategy.PESSIMISTIC.label(), 1, 1_500, 0),
            run(ContentionWorkload.ONE_HOT_SKU, SqlStrategy.PESSIMISTIC.label(), 8, 2_000, 0),
            run(ContentionWorkload.ONE_HOT_SKU, SqlStrategy.ATOMIC.label(), 4, 5_000, 0),
            run(ContentionWorkload.ONE_HOT_SKU, SqlStrategy.NAIVE.label(), 8, 9_000, 120),
            // faster on another workload: not the hot one, so not in the ratios
            run(ContentionWorkload.UNIFORM, SqlStrategy.ATOMIC.label(), 8, 50_000, 0),
            run(ContentionWorkload.ONE_HOT_SKU, ContentionRun.STREAMS_STORE, 1, 30_000, 0));

    @Test
    void ratiosTakeEachSqlStrategyAtItsBestClientCount() {
        final ContentionReport report = new ContentionReport(runs);

        assertThat(report.hotSeatRatioVsPessimistic()).contains(15.0);
        assertThat(report.hotSeatRatioVsBestSql()).contains(6.0);
        assertThat(report.hotSeatRatioVsNaive()).contains(3.33);
    }

    @Test
    void theStoreIsTakenAtItsBestWindowAndTheSummaryNamesIt() {
        final List<ContentionRun> windows = new ArrayList<>(runs);
        windows.add(run(ContentionWorkload.ONE_HOT_SKU, ContentionRun.STREAMS_STORE, 10_000, 40_000, 0));
        windows.add(run(ContentionWorkload.ONE_HOT_SKU, ContentionRun.STREAMS_STORE, 20_000, 35_000, 0));
        final ContentionReport report = new ContentionReport(windows);

        assertThat(report.hotSeatRatioVsPessimistic()).contains(20.0);
        assertThat(report.hotSeatRatioVsBestSql()).contains(8.0);
        assertThat(report.summary())
                .containsEntry("hot_seat_streams_attempts_per_s", 40_000.0)
                .containsEntry("hot_seat_best_streams", "streams_store, 10000 in flight, 40000 attempts/s");
    }

    @Test
    void naiveOversellIsShownButNotCountedAgainstTheCorrectStrategies() {
        final ContentionReport report = new ContentionReport(runs);

        assertThat(report.oversold()).isZero();
        assertThat(report.correct()).isTrue();
        assertThat(report.summary()).containsEntry("naive_oversold", 120L).containsEntry("oversold", 0L);
    }

    @Test
    void streamsOversellCountsAndFailsTheGoal() {
        final List<ContentionRun> withOversell = new ArrayList<>(runs);
        withOversell.add(run(ContentionWorkload.HOT_KEYS, ContentionRun.STREAMS_STORE, 1, 20_000, 3));
        final ContentionReport report = new ContentionReport(withOversell);

        assertThat(report.oversold()).isEqualTo(3);
        assertThat(report.summary().get("goals_met"))
                .isEqualTo(
                        Map.of("hot_seat_10x_pessimistic", true, "hot_seat_3x_best_sql", true, "zero_oversell", false));
    }

    @Test
    void noRatioWithoutAStreamsRun() {
        final ContentionReport report = new ContentionReport(runs.subList(0, 4));

        assertThat(report.hotSeatRatioVsBestSql()).isEmpty();
        assertThat(report.summary()).containsEntry("hot_seat_ratio_vs_pessimistic", null);
    }
}
