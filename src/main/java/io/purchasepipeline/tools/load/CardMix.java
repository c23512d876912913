package io.purchasepipeline.tools.load;

import io.purchasepipeline.payment.Cards;
import io.purchasepipeline.payment.PaymentSimulator;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Which of the payment simulator's test cards the orders pay with, by weight: e.g.
 * {@code approved=98,declined=2} ends about 2% of the orders {@code PAYMENT_DECLINED}.
 */
public record CardMix(Map<Card, Double> weights) {

    public static final String DEFAULT = "approved=98,declined=2";

    /** A test card and the outcome the simulator gives it. */
    enum Card {
        APPROVED(PaymentSimulator.APPROVED_CARD),
        DECLINED(PaymentSimulator.DECLINED_CARD),
        INSUFFICIENT_FUNDS(PaymentSimulator.INSUFFICIENT_FUNDS_CARD);

        private final String number;

        Card(final String number) {
            this.number = number;
        }

        /** The whole number, as a storefront sends it. */
        String number() {
            return number;
        }

        /** As the intake writes it to {@code orders}: masked. */
        String masked() {
            return Cards.mask(number);
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public CardMix {
        final Map<Card, Double> copy = new EnumMap<>(Card.class);
        copy.putAll(weights);
        if (copy.values().stream().anyMatch(weight -> weight < 0 || weight.isNaN() || weight.isInfinite())
                || copy.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("card weights are >= 0 and not all 0: " + weights);
        }
        weights = Collections.unmodifiableMap(copy);
    }

    /** The card for {@code uniform}, a number in [0, 1). */
    Card pick(final double uniform) {
        final double total =
                weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double below = 0;
        Card last = null;
        for (final Map.Entry<Card, Double> entry : weights.entrySet()) {
            if (entry.getValue() == 0) {
                continue;
            }
            below += entry.getValue() / total;
            last = entry.getKey();
            if (uniform < below) {
                return last;
            }
        }
        return last;
    }

    /** As typed: {@code approved=98,declined=2}, for the summary. */
    public Map<String, Double> labelled() {
        final Map<String, Double> labelled = new LinkedHashMap<>();
        weights.forEach((card, weight) -> labelled.put(card.label(), weight));
        return labelled;
    }

    /** {@code name=weight[,name=weight...]}; names are approved, declined and insufficient-funds. */
    public static final class Converter implements ITypeConverter<CardMix> {

        @Override
        public CardMix convert(final String value) {
            final Map<Card, Double> weights = new EnumMap<>(Card.class);
            for (final String part : value.split(",")) {
                final String[] pair = part.split("=", 2);
                final Card card = pair.length == 2 ? card(pair[0]) : null;
                final Double weight = pair.length == 2 ? weight(pair[1]) : null;
                if (card == null || weight == null || weights.put(card, weight) != null) {
                    throw new TypeConversionException("'" + value
                            + "' is not a card mix: name=weight pairs, each name once, "
                            + "names "
                            + Arrays.stream(Card.values()).map(Card::label).collect(Collectors.joining(", "))
                            + ", weights >= 0 (e.g. " + DEFAULT + ")");
                }
            }
            try {
                return new CardMix(weights);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': at least one card needs a weight above 0");
            }
        }

        private static Card card(final String name) {
            final String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            return Arrays.stream(Card.values())
                    .filter(card -> card.name().equals(wanted))
                    .findFirst()
                    .orElse(null);
        }

        private static Double weight(final String text) {
            try {
                final double weight = Double.parseDouble(text.trim());
                return weight >= 0 && Double.isFinite(weight) ? weight : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
