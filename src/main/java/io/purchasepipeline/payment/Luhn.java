package io.purchasepipeline.payment;

/** The card number checksum (ISO/IEC 7812): catches a mistyped digit before anything is charged. */
public final class Luhn {

    private Luhn() {}

    public static boolean valid(final String number) {
        if (number == null
                || number.length() < 12
                || number.length() > 19
                || !number.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            int digit = number.charAt(i) - '0';
            if (twice) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
