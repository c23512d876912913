package io.purchasepipeline.mail;

/** An email not delivered, and what that means for it. */
final class DeliveryFailure extends Exception {

    /** What became of the email, and so what the mail sender does next. */
    enum Kind {
        /** The server refused this email for good (a 5xx reply to its recipient or its content): a bounce. */
        REFUSED,
        /** The server refused this email for now (a 4xx reply): try it again later, others may go on. */
        DEFERRED,
        /** No email can go now (no connection, login refused, sender refused, disk full): everything waits. */
        UNAVAILABLE,
        /** The connection failed after the whole message was sent: the server may have taken it, and it goes again. */
        UNCERTAIN
    }

    private final Kind kind;

    DeliveryFailure(final Kind kind, final String detail, final Throwable cause) {
        super(detail, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
