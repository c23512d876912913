package io.purchasepipeline.runtime;

import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every worker's transactional producer does the same way when Kafka is slow to answer. */
public final class Transactions {

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {}

    /** False when told to stop first; a broker that is slow to answer is waited for. */
    public static boolean init(final Producer<?, ?> producer, final BooleanSupplier running, final String worker) {
        while (running.getAsBoolean()) {
            try {
                producer.initTransactions();
                return true;
            } catch (TimeoutException e) {
                log.warn("{}: Kafka did not answer in time, trying again", worker, e);
            }
        }
        return false;
    }

    /** A commit that timed out must be tried again (it cannot be aborted); it may have gone through. */
    public static void commit(final Producer<?, ?> producer, final BooleanSupplier running, final String worker) {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (!running.getAsBoolean()) {
                    throw e;
                }
                log.warn("{}: Kafka did not confirm the commit in time, trying again", worker, e);
            }
        }
    }
}
