package io.kafkasteps.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.kafkasteps.testing.Management;
import io.kafkasteps.testing.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault suite's TCP proxy against an echo server on 127.0.0.1 (no broker): each mode does what it says. */
class TcpProxyTest {

    private ServerSocket echo;
    private Thread echoThread;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the proxy reset it
                        }
                    }, "echo-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        echoThread.setDaemon(true);
        echoThread.start();
        proxy = new TcpProxy("test", Management.freePort(), echo.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        echo.close();
        echoThread.join(5000);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        byte[] back = new byte[bytes.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        return new String(back, UTF_8);
    }

    @Test
    void passes_bytes_through_in_order() throws IOException {
        try (Socket s = connect()) {
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                sent.append(i).append(',');
            }
            assertThat(roundTrip(s, sent.toString())).isEqualTo(sent.toString());
        }
        assertThat(proxy.accepted()).isEqualTo(1);
    }

    @Test
    void adds_latency_in_each_direction_and_keeps_byte_order() throws IOException {
        proxy.latency(Duration.ofMillis(500));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            OutputStream out = s.getOutputStream();
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                String part = i + ";";
                sent.append(part);
                out.write(part.getBytes(UTF_8));
                out.flush();
            }
            byte[] back = new byte[sent.length()];
            new DataInputStream(s.getInputStream()).readFully(back);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(new String(back, UTF_8)).isEqualTo(sent.toString());
            assertThat(took).as("500 ms each way").isBetween(1000L, 10_000L);
            proxy.passThrough();
            long again = System.nanoTime();
            assertThat(roundTrip(s, "after")).isEqualTo("after");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again)).as("no latency any more").isLessThan(500);
        }
    }

    @Test
    void resets_open_connections_with_a_rst_now_and_periodically() throws IOException {
        try (Socket a = connect()) {
            assertThat(roundTrip(a, "hello")).isEqualTo("hello");
            proxy.resetEvery(Duration.ofMillis(500));
            assertThatThrownBy(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < end) {
                    roundTrip(a, "x");
                }
            }).as("a reset, not an orderly close (which reads as end of stream)").isInstanceOf(SocketException.class);
        }
        // a connection opened later is reset at the next period
        try (Socket b = connect()) {
            assertThat(Records.eventually(Duration.ofSeconds(5), () -> {
                try {
                    roundTrip(b, "y");
                    return false;
                } catch (IOException e) {
                    return true;
                }
            })).isTrue();
        }
        proxy.passThrough();
        try (Socket c = connect()) {
            assertThat(roundTrip(c, "back")).isEqualTo("back");
        }
        assertThat(proxy.resets()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void blackhole_accepts_but_never_answers_on_new_and_open_connections_then_resumes() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");
            proxy.blackhole();
            open.setSoTimeout(1500);
            assertThatThrownBy(() -> roundTrip(open, "held")).isInstanceOf(SocketTimeoutException.class);
            try (Socket fresh = connect()) {
                fresh.setSoTimeout(1500);
                assertThatThrownBy(() -> roundTrip(fresh, "new")).isInstanceOf(SocketTimeoutException.class);
                proxy.passThrough();
                fresh.setSoTimeout(5000);
                byte[] back = new byte[3];
                new DataInputStream(fresh.getInputStream()).readFully(back);
                assertThat(new String(back, UTF_8)).isEqualTo("new");
            }
            open.setSoTimeout(5000);
            byte[] back = new byte[4];
            new DataInputStream(open.getInputStream()).readFully(back);
            assertThat(new String(back, UTF_8)).isEqualTo("held");
            assertThat(roundTrip(open, "after")).isEqualTo("after");
        }
    }

    @Test
    void close_leaves_no_thread_running() throws IOException {
        Socket a = connect();
        Socket b = connect();
        assertThat(roundTrip(a, "a")).isEqualTo("a");
        assertThat(roundTrip(b, "b")).isEqualTo("b");
        proxy.blackhole();
        assertThat(proxy.liveThreads()).isGreaterThanOrEqualTo(1 + 2 * 4);
        proxy.close();
        assertThat(proxy.liveThreads()).isZero();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tcp-proxy-test-")))
                .isEmpty();
        a.close();
        b.close();
    }
}
