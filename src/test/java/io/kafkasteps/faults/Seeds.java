package io.kafkasteps.faults;

import java.util.Random;

/** The one seed of the suite's random choices (kill moments): -Dfaults.seed=N replays a run. */
final class Seeds {

    static final long SEED = Long.getLong("faults.seed", 20261124L);

    private Seeds() {
    }

    static Random random(String scenario) {
        return new Random(SEED ^ scenario.hashCode());
    }
}
