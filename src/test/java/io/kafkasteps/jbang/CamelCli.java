package io.kafkasteps.jbang;

/**
 * The Camel CLI's {@code main} ({@code camel run ...}): camel-jbang-core 4.17 has none of its own.
 * Run from source on the CLI's classpath (src/test/jbang/pom.xml), it needs no compiling:
 * {@code java -cp "$(cat src/test/jbang/camel-cli.classpath)" src/test/java/io/kafkasteps/jbang/CamelCli.java run ...}.
 * Reflection keeps the CLI off this project's own classpath.
 */
public final class CamelCli {
    public static void main(String[] args) throws Throwable {
        Class.forName("org.apache.camel.dsl.jbang.core.commands.CamelJBangMain").getMethod("run", String[].class).invoke(null, (Object) args);
    }
}
