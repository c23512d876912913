package io.purchasepipeline.http;

import io.purchasepipeline.serdes.FlagAction;
import io.purchasepipeline.serdes.FlagCommand;
import java.util.ArrayList;
import java.util.List;

/** {@code PUT /customers/{id}/flag}: the optional body and the checks. */
final class FlagRequests {

    static final int MAX_REASON = 200;

    private FlagRequests() {}

    record PutFlag(String reason) {}

    static String customerId(final String id) {
        if (!OrderSubmission.ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid customer id", List.of("id: 1 to 64 letters, digits or ._:@-"));
        }
        return id;
    }

    /** The id and the reason checked together, so that one answer names every problem. */
    static FlagCommand flag(final String customerId, final PutFlag body) {
        final List<String> problems = new ArrayList<>();
        if (!OrderSubmission.ID.matcher(customerId).matches()) {
            problems.add("id: 1 to 64 letters, digits or ._:@-");
        }
        final String reason = body.reason() == null || body.reason().isBlank()
                ? null
                : body.reason().strip();
        if (reason != null && (reason.length() > MAX_REASON || !OrderSubmission.printable(reason))) {
            problems.add("reason: at most " + MAX_REASON + " characters, no control characters");
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid flag", problems);
        }
        return new FlagCommand(customerId, FlagAction.FLAG, reason);
    }
}
