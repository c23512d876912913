package io.purchasepipeline.mail;

/** A record on {@code emails} that reads as JSON but lacks what every delivery needs; it goes to dead-letters. */
public final class InvalidEmailException extends IllegalArgumentException {

    InvalidEmailException(final String message) {
        super(message);
    }
}
