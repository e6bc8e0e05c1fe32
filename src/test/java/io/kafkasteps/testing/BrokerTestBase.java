package io.kafkasteps.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real in-process broker for a test class, with a client to write and read it back. */
public abstract class BrokerTestBase {

    protected static EmbeddedKafka kafka;
    protected static Records records;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        records = new Records(kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        records.close();
        kafka.close();
    }
}
