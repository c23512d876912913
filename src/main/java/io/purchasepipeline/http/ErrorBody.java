package io.purchasepipeline.http;

import java.util.List;

/** The body of every error answer. */
public record ErrorBody(String error, List<String> details) {}
