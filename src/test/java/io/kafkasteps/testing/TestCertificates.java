package io.kafkasteps.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1/localhost made with the JDK's keytool at test time
 * (never checked in): the broker's PKCS12 key store, and the clients' trust in three forms,
 * PKCS12, JKS and PEM.
 */
public record TestCertificates(Path dir, String password) {

    public Path brokerKeystore() {
        return dir.resolve("broker.p12");
    }

    public Path truststoreP12() {
        return dir.resolve("trust.p12");
    }

    public Path truststoreJks() {
        return dir.resolve("trust.jks");
    }

    public Path truststorePem() {
        return dir.resolve("broker.pem");
    }

    public static TestCertificates create() {
        try {
            Path dir = Files.createTempDirectory("kafka-steps-certs");
            TestCertificates c = new TestCertificates(dir, "changeit-" + Long.toHexString(System.nanoTime()));
            c.keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                    "-keystore", c.brokerKeystore().toString(), "-storetype", "PKCS12",
                    "-storepass", c.password, "-keypass", c.password);
            c.keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", c.brokerKeystore().toString(),
                    "-storepass", c.password, "-file", c.truststorePem().toString());
            for (var store : List.of(List.of(c.truststoreP12().toString(), "PKCS12"), List.of(c.truststoreJks().toString(), "JKS"))) {
                c.keytool("-importcert", "-noprompt", "-alias", "broker", "-file", c.truststorePem().toString(),
                        "-keystore", store.get(0), "-storetype", store.get(1), "-storepass", c.password);
            }
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + command + "\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
