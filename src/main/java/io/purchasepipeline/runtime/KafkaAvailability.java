package io.purchasepipeline.runtime;

import java.util.Optional;

/**
 * Whether this instance knows its Kafka to be down. Only the embedded broker's supervisor knows for
 * sure (it watches the process); against an external cluster nothing is known in advance, and the
 * clients' own timeouts decide.
 */
@FunctionalInterface
public interface KafkaAvailability {

    /** Nothing known: Kafka is taken to be there. */
    KafkaAvailability ASSUMED = Optional::empty;

    /** Why Kafka cannot be used now, or empty when it can (as far as this instance knows). */
    Optional<String> problem();
}
