package io.purchasepipeline.app.mail;

import jakarta.mail.internet.MimeMessage;

/** Where emails go: a mail server or the outbox folder. Used by the mail sender's one thread. */
interface Delivery extends AutoCloseable {

    /**
     * Makes sure a message can be handed over now (connected, folder there), before the ledger
     * says that one is being sent.
     *
     * @throws DeliveryFailure of kind {@link DeliveryFailure.Kind#UNAVAILABLE}
     */
    void ready() throws DeliveryFailure;

    /** Whether this target itself shows the email as delivered (the outbox has its file). */
    boolean delivered(String emailId);

    /** @return what the target answered, for the ledger (the server's reply, the file's name) */
    String deliver(MimeMessage message, String emailId) throws DeliveryFailure;

    /** The target, in outcomes and logs (never a password). */
    String target();

    @Override
    void close();
}
