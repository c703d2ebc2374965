package io.chis.runtime.dispatch;

/** A delivery's hold on one of its worker's slots, which it gives back while it waits for a busy host or endpoint. */
@FunctionalInterface
public interface Slot {

    /**
     * Gives the slot back so the worker can read more deliveries while this one waits (true also when it already
     * did); false when the worker has no room for another waiting delivery (then it is deferred instead).
     */
    boolean park();
}
