package io.chis.runtime.support;

/** One reason a JSON document was refused: where (a JSON pointer into it, {@code ""} for the whole) and what. */
public record Violation(String pointer, String message) {}
