package io.kafkasteps.faults;

import io.kafkasteps.testing.TwoBrokerTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two brokers for a fault test class, with offsets read back from each. */
abstract class TwoBrokers extends TwoBrokerTestBase {

    static Offsets srcOffsets;
    static Offsets dstOffsets;

    @BeforeAll
    static void offsetsClients() {
        srcOffsets = new Offsets(source.bootstrapServers());
        dstOffsets = new Offsets(sink.bootstrapServers());
    }

    @AfterAll
    static void closeOffsets() {
        srcOffsets.close();
        dstOffsets.close();
    }
}
