package io.kafkasteps.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.kafkasteps.testing.EmbeddedKafka;

/**
 * The demo's broker: the tests' real single-node KRaft broker in this JVM, on 127.0.0.1 and fixed
 * ports (9092, controller 9093) so your own tools can connect to it, or on free ports when those
 * are taken. Test scope only: it is never part of the production jar or image.
 */
public final class DemoBroker implements AutoCloseable {

    private final EmbeddedKafka kafka;

    private DemoBroker(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    /** Starts on {@code port} and {@code port + 1}, else on two free ports; says which on {@code out}. */
    public static DemoBroker start(int port, PrintStream out) {
        int p = port;
        int c = port + 1;
        if (!free(p) || !free(c)) {
            int fp = freePort();
            int fc = freePort();
            out.printf("demo: port %d or %d is taken (another Kafka?); the demo broker uses %d and %d instead%n", p, c, fp, fc);
            p = fp;
            c = fc;
        }
        return new DemoBroker(EmbeddedKafka.startOn(p, c));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        kafka.close();
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
