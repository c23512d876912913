package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.EbookRequest;
import io.purchasepipeline.serdes.EmailRequest;
import io.purchasepipeline.serdes.OrderEvent;
import io.purchasepipeline.serdes.PaymentRequest;
import io.purchasepipeline.serdes.ReservationCommand;

/**
 * A record the order's state machine sends on, each kind to its own topic ({@link Route}), with the
 * key that topic is partitioned by.
 */
sealed interface OrderOutput {

    /** Where an output goes: every route has exactly one sink in the topology. */
    enum Route {
        EVENT,
        SKU_COMMAND,
        PAYMENT,
        EMAIL,
        EBOOK
    }

    Route route();

    String key();

    /** The record's value, of the type of the route's topic. */
    Object value();

    /** A status change, for the audit log ({@code order-events}, key order id). */
    record Event(OrderEvent event) implements OrderOutput {
        public Route route() {
            return Route.EVENT;
        }

        public String key() {
            return event.orderId();
        }

        public Object value() {
            return event;
        }
    }

    /** HOLD, CONFIRM or RELEASE of one line ({@code reservation-commands}, key SKU). */
    record SkuCommand(ReservationCommand command) implements OrderOutput {
        public Route route() {
            return Route.SKU_COMMAND;
        }

        public String key() {
            return command.sku();
        }

        public Object value() {
            return command;
        }
    }

    /** AUTHORISE, CAPTURE or VOID ({@code payment-requests}, key customer id). */
    record Payment(PaymentRequest request) implements OrderOutput {
        public Route route() {
            return Route.PAYMENT;
        }

        public String key() {
            return request.customerId();
        }

        public Object value() {
            return request;
        }
    }

    /** An email to the customer ({@code emails}, key email id). */
    record Email(EmailRequest email) implements OrderOutput {
        public Route route() {
            return Route.EMAIL;
        }

        public String key() {
            return email.emailId();
        }

        public Object value() {
            return email;
        }
    }

    /** A personalised e-book to make ({@code ebook-requests}, key customer id: a customer's books in order). */
    record Ebook(EbookRequest request) implements OrderOutput {
        public Route route() {
            return Route.EBOOK;
        }

        public String key() {
            return request.customerId();
        }

        public Object value() {
            return request;
        }
    }
}
