package io.purchasepipeline.mail;

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

    /**
     * Whether a delivery made twice is still one delivery, and {@link #delivered} always tells
     * whether it was made (the outbox: one file per email id, whole or absent). Such a target
     * needs no SENDING mark ahead of a delivery: a sender that stops after it leaves the proof
     * behind, and one that stops before it leaves nothing to doubt. A mail server is not one: a
     * message it took cannot be taken back or looked up, so an email whose hand-over was cut
     * short is handed over again, at least once.
     */
    boolean repeatable();

    /** @return what the target answered, for the ledger (the server's reply, the file's name) */
    String deliver(MimeMessage message, String emailId) throws DeliveryFailure;

    /** The target, in outcomes and logs (never a password). */
    String target();

    @Override
    void close();
}
