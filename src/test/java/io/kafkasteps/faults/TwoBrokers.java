package io.kafkasteps.faults;

import io.kafkasteps.testing.EmbeddedKafka;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A source and a sink broker for a fault test class, with clients to write and read them. */
abstract class TwoBrokers {

    static EmbeddedKafka source;
    static EmbeddedKafka sink;
    static Records src;
    static Records dst;
    static Offsets srcOffsets;
    static Offsets dstOffsets;

    @BeforeAll
    static void brokers() {
        source = EmbeddedKafka.start();
        sink = EmbeddedKafka.start();
        src = new Records(source.bootstrapServers());
        dst = new Records(sink.bootstrapServers());
        srcOffsets = new Offsets(source.bootstrapServers());
        dstOffsets = new Offsets(sink.bootstrapServers());
    }

    @AfterAll
    static void stopBrokers() {
        srcOffsets.close();
        dstOffsets.close();
        src.close();
        dst.close();
        source.close();
        sink.close();
    }
}
