package io.purchasepipeline.tools.kafka;

/**
 * A Kafka node could not be formatted or did not become ready: it exited, or did not answer in
 * time. The message names the node and ends with the last lines of its logs, because the reason
 * (a port in use, a corrupt or foreign data directory, too little memory) is only ever there.
 */
public final class BrokerStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BrokerStartupException(final String message) {
        super(message);
    }
}
