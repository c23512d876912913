package io.purchasepipeline.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names derived from an email id: the Message-ID header and the outbox file name. Both must be the
 * same for every delivery attempt of one email (a receiving server or a reader of the outbox sees
 * one message however often it is offered) and distinct for distinct ids, so the id is escaped,
 * not trimmed: letters, digits, {@code -} and {@code _} stay, every other byte of its UTF-8 becomes
 * {@code =XX}. The result is valid both as the left part of a Message-ID and as a file name; a very
 * long one is cut and ends with a hash of the whole id instead, to stay within file name limits
 * (longer than any uncut token, so the two kinds never meet).
 */
public final class EmailIds {

    private static final String DOMAIN = "purchase-pipeline";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int MAX_TOKEN = 180;
    private static final int KEPT_WHEN_CUT = 120;

    private EmailIds() {}

    static String token(final String emailId) {
        final StringBuilder token = new StringBuilder(emailId.length() + 8);
        for (final byte b : emailId.getBytes(StandardCharsets.UTF_8)) {
            final char c = (char) (b & 0xFF);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                token.append(c);
            } else {
                token.append('=').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
        }
        if (token.length() <= MAX_TOKEN) {
            return token.toString();
        }
        try {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(emailId.getBytes(StandardCharsets.UTF_8));
            return token.substring(0, KEPT_WHEN_CUT) + "=" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** The Message-ID header of every delivery of the email with this id, angle brackets included. */
    public static String messageId(final String emailId) {
        return "<" + token(emailId) + "@" + DOMAIN + ">";
    }

    static String fileName(final String emailId) {
        return token(emailId) + ".eml";
    }
}
