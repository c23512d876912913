package io.purchasepipeline.mail;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * Amounts as the customer reads them: the currency's symbol and its own number of decimals
 * ({@code €1,234.50}, {@code ¥1,235}), written the way the emails' language writes numbers.
 */
final class Money {

    private final NumberFormat format;

    /** @param currency an ISO 4217 code */
    Money(final String currency, final Locale language) {
        final Currency unit = Currency.getInstance(currency);
        format = NumberFormat.getCurrencyInstance(language);
        format.setCurrency(unit);
        // setCurrency keeps the language's default decimals: a yen has none, a dinar three
        format.setMinimumFractionDigits(Math.max(0, unit.getDefaultFractionDigits()));
        format.setMaximumFractionDigits(Math.max(0, unit.getDefaultFractionDigits()));
        format.setRoundingMode(RoundingMode.HALF_UP);
    }

    String format(final BigDecimal amount) {
        return format.format(amount);
    }
}
