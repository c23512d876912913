package io.purchasepipeline.topology;

import io.purchasepipeline.serdes.LineResult;
import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.SeatResult;

/** A record a SKU's task sends on, each kind to its own topic ({@link Route}), with that topic's key. */
sealed interface SkuOutput {

    /** Where an output goes: every route has exactly one sink in the topology. */
    enum Route {
        LINE_RESULT,
        SEAT_RESULT,
        PRODUCT
    }

    Route route();

    String key();

    /** The record's value, of the type of the route's topic (null for a deleted product). */
    Object value();

    /** The answer to an order's HOLD, back to the order's customer ({@code reservation-results}). */
    record LineAnswer(LineResult result) implements SkuOutput {
        public Route route() {
            return Route.LINE_RESULT;
        }

        public String key() {
            return result.customerId();
        }

        public Object value() {
            return result;
        }
    }

    /** The answer to a user's seat command ({@code seat-reservation-results}, key seat id). */
    record SeatAnswer(SeatResult result) implements SkuOutput {
        public Route route() {
            return Route.SEAT_RESULT;
        }

        public String key() {
            return result.seatId();
        }

        public Object value() {
            return result;
        }
    }

    /** The product as applied ({@code products}, key SKU), for every instance's catalog; null when deleted. */
    record Applied(String sku, Product product) implements SkuOutput {
        public Route route() {
            return Route.PRODUCT;
        }

        public String key() {
            return sku;
        }

        public Object value() {
            return product;
        }
    }
}
