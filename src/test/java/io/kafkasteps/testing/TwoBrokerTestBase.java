package io.kafkasteps.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A source and a sink broker for a test class, with clients to write and read them. */
public abstract class TwoBrokerTestBase {

    protected static EmbeddedKafka source;
    protected static EmbeddedKafka sink;
    protected static Records src;
    protected static Records dst;

    @BeforeAll
    static void startBrokers() {
        source = EmbeddedKafka.start();
        sink = EmbeddedKafka.start();
        src = new Records(source.bootstrapServers());
        dst = new Records(sink.bootstrapServers());
    }

    @AfterAll
    static void stopBrokers() {
        src.close();
        dst.close();
        source.close();
        sink.close();
    }
}
