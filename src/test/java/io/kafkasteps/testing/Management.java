package io.kafkasteps.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The management port over HTTP, as an operator scrapes it: health, readiness, Prometheus metrics. */
public final class Management {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public record Response(int status, String body) {
    }

    private Management() {
    }

    /** A GET on 127.0.0.1; status -1 (and the error as body) when nothing answers. */
    public static Response get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, e.toString());
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The value of the first sample of {@code name} whose labels contain {@code labels}, else NaN. */
    public static double metric(String body, String name, String labels) {
        String line = metricLine(body, name, labels);
        return line == null ? Double.NaN : Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** The first sample line of {@code name} whose labels contain {@code labels}, as printed, else null. */
    public static String metricLine(String body, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(body);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return m.group();
            }
        }
        return null;
    }
}
