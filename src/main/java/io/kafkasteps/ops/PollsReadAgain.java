package io.kafkasteps.ops;

/** Polls whose transaction was aborted and that were read again (exactly-once), for the progress line and a counter. */
public interface PollsReadAgain {

    long pollsReadAgain();
}
