package io.purchasepipeline.bench;

import java.util.List;

/**
 * What a run did to the keys, judged the same way for every strategy: the attempts the clients were
 * told succeeded against what the store holds at the end.
 *
 * @param succeeded attempts told they got their unit or seat
 * @param oversold units promised beyond the stock (for seats: second and later winners of a seat)
 * @param lostUpdates successes the store does not show: a write overwritten by another that read the same old value
 * @param doubleBookings seats believed won by two or more users
 * @param inconsistent keys whose final state breaks conservation (available + held is not the stock,
 *        or a count below zero) or whose seat holder no client was told about
 */
public record ContentionCheck(long succeeded, long oversold, long lostUpdates, long doubleBookings, long inconsistent) {

    /** One key's state at the end: counts for stock, the holder (null when free) for a seat. */
    public record KeyState(long available, long held, String holder) {

        public static KeyState stock(final long available, final long held) {
            return new KeyState(available, held, null);
        }

        public static KeyState seat(final String holder) {
            return new KeyState(holder == null ? 1 : 0, holder == null ? 0 : 1, holder);
        }
    }

    /**
     * @param run the run's tag, which the attempts' order and user ids carry
     * @param won for each attempt, whether its client was told it succeeded
     * @param finalStates the state of each key of the workload, in the workload's key order
     */
    public static ContentionCheck of(
            final ContentionWorkload workload,
            final String run,
            final boolean[] won,
            final List<KeyState> finalStates) {
        if (won.length != workload.attempts()
                || finalStates.size() != workload.keys().size()) {
            throw new IllegalArgumentException("outcomes or states do not match workload " + workload.name());
        }
        final long[] wins = new long[workload.keys().size()];
        long succeeded = 0;
        for (int i = 0; i < won.length; i++) {
            if (won[i]) {
                wins[workload.attemptKeys()[i]]++;
                succeeded++;
            }
        }
        long oversold = 0;
        long lost = 0;
        long doubles = 0;
        long inconsistent = 0;
        for (int k = 0; k < wins.length; k++) {
            final KeyState state = finalStates.get(k);
            final long stock = workload.stock()[k];
            oversold += Math.max(0, wins[k] - stock);
            lost += Math.max(0, wins[k] - (stock - state.available()));
            if (workload.kind() == ContentionWorkload.Kind.SEATS) {
                if (wins[k] > 1) {
                    doubles++;
                }
                if (state.holder() != null && !heldByAWinner(workload, run, won, k, state.holder())) {
                    inconsistent++;
                }
            } else if (state.available() < 0 || state.held() < 0 || state.available() + state.held() != stock) {
                inconsistent++;
            }
        }
        return new ContentionCheck(succeeded, oversold, lost, doubles, inconsistent);
    }

    private static boolean heldByAWinner(
            final ContentionWorkload workload,
            final String run,
            final boolean[] won,
            final int key,
            final String holder) {
        final int attempt = ContentionWorkload.attemptIndex(run, holder);
        return attempt >= 0 && attempt < won.length && won[attempt] && workload.attemptKeys()[attempt] == key;
    }
}
