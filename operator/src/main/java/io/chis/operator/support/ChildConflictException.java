package io.chis.operator.support;

/** A child's name is taken by an object the operator does not own; it is never overwritten. */
public class ChildConflictException extends RuntimeException {
    public ChildConflictException(String message) {
        super(message);
    }
}
