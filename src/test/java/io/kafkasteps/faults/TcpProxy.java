package io.kafkasteps.faults;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 in front of one upstream port (a broker's listener), with network faults
 * switched at run time:
 * <ul>
 * <li>{@link #passThrough()}: bytes forwarded as they come;</li>
 * <li>{@link #latency(Duration)}: every chunk read is written that much later, in each direction,
 * in order (a queue per direction stamped with the time each chunk is due);</li>
 * <li>{@link #resetEvery(Duration)}: every open connection is reset now (SO_LINGER 0, then close:
 * a TCP RST to both ends) and again at each period;</li>
 * <li>{@link #blackhole()}: connections are still accepted, but nothing is read from or written to
 * any connection, new or existing, in either direction, until the proxy is switched back (the
 * held bytes are then forwarded, in order).</li>
 * </ul>
 * Plain threads (Java 17): one accepting, and per connection a reader and a writer per direction.
 * {@link #close()} resets every connection and waits for every thread it started to end.
 */
final class TcpProxy implements Closeable {

    private static final byte[] EOF = new byte[0];

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final String name;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private ScheduledFuture<?> resetting;
    private volatile long latencyNanos;
    private volatile boolean blackholed;
    private volatile boolean closed;

    /** Listens on 127.0.0.1:{@code port} and forwards to 127.0.0.1:{@code upstreamPort}. */
    TcpProxy(String name, int port, int upstreamPort) {
        this.name = name;
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen on " + port, e);
        }
        // loaded now, not at the first connection: a class that cannot be loaded then would leave clients hanging
        Class<?> link = Link.class;
        if (link.getDeclaringClass() != TcpProxy.class) {
            throw new IllegalStateException(link.getName());
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> thread("resets", r, false));
        thread("accept", this::acceptLoop, true);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bootstrap servers of the proxy. */
    String bootstrapServers() {
        return "127.0.0.1:" + port();
    }

    /** Back to plain forwarding: no latency, no resets, no blackhole. */
    synchronized void passThrough() {
        stopResets();
        latencyNanos = 0;
        open();
    }

    /** Every chunk from now on is written {@code delay} after it was read, in each direction, in order. */
    void latency(Duration delay) {
        latencyNanos = delay.toNanos();
    }

    /** Resets every open connection now and again every {@code period}. */
    synchronized void resetEvery(Duration period) {
        stopResets();
        resetting = scheduler.scheduleAtFixedRate(this::resetAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the periodic resets (connections open now stay open). */
    synchronized void stopResets() {
        if (resetting != null) {
            resetting.cancel(false);
            resetting = null;
        }
    }

    /** Resets (RST) every open connection now; returns how many. */
    int resetAll() {
        int n = 0;
        for (Link link : List.copyOf(links)) {
            if (link.close(true)) {
                n++;
            }
        }
        resets.addAndGet(n);
        return n;
    }

    /** Accepts connections but never answers: nothing is read or written on any connection until {@link #passThrough()}. */
    void blackhole() {
        synchronized (gate) {
            blackholed = true;
        }
    }

    private void open() {
        synchronized (gate) {
            blackholed = false;
            gate.notifyAll();
        }
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** Connections reset so far. */
    long resets() {
        return resets.get();
    }

    /** Connections open now. */
    int openConnections() {
        return links.size();
    }

    /** Bytes forwarded so far, both directions. */
    long forwarded() {
        return forwarded.get();
    }

    /** The first unexpected failure of one of the proxy's threads, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Threads of this proxy alive now (the accept thread and the reset scheduler's included). */
    int liveThreads() {
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        stopResets();
        scheduler.shutdownNow();
        open();
        for (Link link : List.copyOf(links)) {
            link.close(true);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> leaked = new ArrayList<>();
        for (Thread t : List.copyOf(threads)) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                leaked.add(t.getName());
            }
        }
        if (!leaked.isEmpty()) {
            throw new IllegalStateException("proxy threads still running after close: " + leaked);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a thread of the proxy failed: " + failure.get(), failure.get());
        }
    }

    private Thread thread(String role, Runnable body, boolean start) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
                throw e;
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, "tcp-proxy-" + name + "-" + role + "-" + threadIds.incrementAndGet());
        t.setDaemon(true);
        threads.add(t);
        if (start) {
            t.start();
        }
        return t;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            Socket broker = new Socket();
            try {
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                broker.connect(upstream, 5000);
            } catch (IOException e) {
                reset(client);
                reset(broker);
                continue;
            }
            Link link = new Link(client, broker);
            links.add(link);
            if (closed) {
                link.close(true);
                return;
            }
            link.start();
        }
    }

    /** Waits while the proxy is blackholed. */
    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (blackholed && !closed) {
                gate.wait();
            }
        }
    }

    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (SocketException ignored) {
            // closed meanwhile
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** One client connection and its connection to the upstream: two directions of a reader and a writer each. */
    private final class Link {

        private final Socket client;
        private final Socket broker;
        private final List<Thread> own = new ArrayList<>();
        private final AtomicInteger directionsDone = new AtomicInteger();
        private volatile boolean done;

        Link(Socket client, Socket broker) {
            this.client = client;
            this.broker = broker;
            direction("up", client, broker);
            direction("down", broker, client);
        }

        void start() {
            // a link closed before its threads run: they see done and end at once
            own.forEach(Thread::start);
        }

        private void direction(String dir, Socket from, Socket to) {
            LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
            own.add(thread(dir + "-read", () -> read(from, queue), false));
            own.add(thread(dir + "-write", () -> write(queue, to), false));
        }

        /** Reads chunks and queues each with the time it is due to be written. */
        private void read(Socket from, LinkedBlockingQueue<Object[]> queue) {
            byte[] buffer = new byte[65536];
            try {
                InputStream in = from.getInputStream();
                while (!done) {
                    awaitOpen();
                    int n = in.read(buffer);
                    if (n < 0) {
                        queue.put(new Object[] {EOF, System.nanoTime() + latencyNanos});
                        return;
                    }
                    queue.put(new Object[] {Arrays.copyOf(buffer, n), System.nanoTime() + latencyNanos});
                }
            } catch (IOException e) {
                close(false);
            } catch (InterruptedException e) {
                // the link is closing
            }
        }

        /** Writes the queued chunks in order, each once it is due and the proxy is not blackholed. */
        private void write(LinkedBlockingQueue<Object[]> queue, Socket to) {
            try {
                OutputStream out = to.getOutputStream();
                while (!done) {
                    Object[] chunk = queue.take();
                    long wait;
                    // the added latency itself: this chunk is held until it is due
                    while ((wait = (long) chunk[1] - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    awaitOpen();
                    byte[] data = (byte[]) chunk[0];
                    if (data == EOF) {
                        to.shutdownOutput();
                        if (directionsDone.incrementAndGet() == 2) {
                            close(false);
                        }
                        return;
                    }
                    out.write(data);
                    out.flush();
                    forwarded.addAndGet(data.length);
                }
            } catch (IOException e) {
                close(false);
            } catch (InterruptedException e) {
                // the link is closing
            }
        }

        /** Closes both sockets, with a TCP RST when {@code rst}, and stops this link's threads; false when it was closed already. */
        boolean close(boolean rst) {
            synchronized (this) {
                if (done) {
                    return false;
                }
                done = true;
            }
            links.remove(this);
            if (rst) {
                reset(client);
                reset(broker);
            } else {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                try {
                    broker.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            for (Thread t : own) {
                if (t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
            return true;
        }
    }
}
