package io.purchasepipeline.http;

import io.purchasepipeline.serdes.Product;
import io.purchasepipeline.serdes.ProductKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** {@code PUT /products/{sku}}: the body and its checks. */
final class ProductRequests {

    static final long MAX_STOCK = 1_000_000_000L;
    /** Far above any real price, and it keeps totals (price times quantity) small enough to print. */
    static final BigDecimal MAX_PRICE = new BigDecimal("1000000000.00");

    private ProductRequests() {}

    record PutProduct(String name, String kind, BigDecimal price, Long stock) {}

    static Product validated(final String sku, final PutProduct body) {
        final List<String> problems = new ArrayList<>();
        if (!OrderSubmission.SKU.matcher(sku).matches()) {
            problems.add("sku: 1 to 64 letters, digits or ._-");
        }
        if (body.name() == null
                || body.name().isBlank()
                || body.name().length() > 200
                || !OrderSubmission.printable(body.name())) {
            problems.add("name: required, at most 200 characters, no control characters");
        }
        ProductKind kind = null;
        try {
            kind = body.kind() == null ? null : ProductKind.valueOf(body.kind());
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (kind == null) {
            problems.add("kind: one of PHYSICAL, SEAT, DIGITAL");
        }
        if (body.price() == null
                || body.price().signum() < 0
                || body.price().scale() > 2
                || body.price().compareTo(MAX_PRICE) > 0) {
            problems.add("price: 0 to " + MAX_PRICE.toPlainString() + " with at most two decimals");
        }
        if (kind == ProductKind.PHYSICAL && (body.stock() == null || body.stock() < 0 || body.stock() > MAX_STOCK)) {
            problems.add("stock: required for PHYSICAL, 0 to " + MAX_STOCK);
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid product", problems);
        }
        return new Product(sku, body.name(), kind, body.price(), kind == ProductKind.PHYSICAL ? body.stock() : null);
    }
}
