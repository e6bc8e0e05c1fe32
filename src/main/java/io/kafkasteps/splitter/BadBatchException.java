package io.kafkasteps.splitter;

/**
 * A record that cannot be split because of its own content. The route sends such a record to the
 * dead-letter topic with this message as the reason; it is never retried.
 */
public class BadBatchException extends RuntimeException {

    public BadBatchException(String reason) {
        super(reason);
    }

    public BadBatchException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
