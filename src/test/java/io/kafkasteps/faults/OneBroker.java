package io.kafkasteps.faults;

import io.kafkasteps.testing.BrokerTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One broker for a fault test class, with offsets read back from it. */
abstract class OneBroker extends BrokerTestBase {

    static Offsets offsets;

    @BeforeAll
    static void offsetsClient() {
        offsets = new Offsets(kafka.bootstrapServers());
    }

    @AfterAll
    static void closeOffsets() {
        offsets.close();
    }
}
