package io.kafkasteps;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings tables of docs/configuration.md, made from application.properties, where each
 * setting is declared once with its comment: one section per "# ----" heading, one row per key
 * (keys under one comment share a row). A comment followed by a blank line is a note of its
 * section. {@code DocsTest} fails when the page differs, and rewrites it when asked.
 */
final class ConfigurationTables {

    static final String BEGIN = "<!-- settings: generated from application.properties by DocsTest; edit the comments there -->";
    static final String END = "<!-- end of generated settings -->";

    private static final Pattern ENV = Pattern.compile("^\\{\\{env:([A-Z0-9_]+):?(.*)}}$");

    private ConfigurationTables() {
    }

    /** The generated part of the page, from BEGIN to END inclusive. */
    static String of(String properties) {
        StringBuilder out = new StringBuilder(BEGIN).append("\n");
        List<String> comment = new ArrayList<>();
        List<String[]> keys = new ArrayList<>();   // {key, value} under the current comment
        String[] lines = properties.split("\n", -1);
        boolean header = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("# ---")) {
                flush(out, comment, keys);
                header = !header;
                continue;
            }
            if (header) {
                String title = line.replaceFirst("^#\\s*", "");
                int colon = title.indexOf(':');
                out.append("\n## ").append(colon < 0 ? title : title.substring(0, colon)).append("\n\n");
                if (colon >= 0) {
                    out.append(capitalised(title.substring(colon + 1).strip())).append(".\n\n");
                }
                continue;
            }
            if (line.isEmpty()) {
                flush(out, comment, keys);
                if (!comment.isEmpty()) {
                    out.append(out.toString().endsWith("|\n") ? "\n" : "").append(String.join(" ", comment)).append("\n\n");   // a note of the section
                    comment.clear();
                }
            } else if (line.startsWith("#")) {
                if (!keys.isEmpty()) {
                    flush(out, comment, keys);
                    comment.clear();
                }
                if (out.indexOf("## ") >= 0) {
                    comment.add(line.replaceFirst("^#\\s*", ""));
                }
            } else if (out.indexOf("## ") >= 0) {
                int eq = line.indexOf('=');
                keys.add(new String[] {line.substring(0, eq).strip(), line.substring(eq + 1).strip()});
            }
        }
        flush(out, comment, keys);
        comment.clear();
        return out.toString().replaceAll("\n{3,}", "\n\n").strip() + "\n" + END;
    }

    private static void flush(StringBuilder out, List<String> comment, List<String[]> keys) {
        if (keys.isEmpty()) {
            return;
        }
        if (!out.toString().endsWith("|\n")) {
            out.append("| key | environment | default | meaning |\n|---|---|---|---|\n");
        }
        List<String> names = new ArrayList<>(), envs = new ArrayList<>(), defaults = new ArrayList<>();
        for (String[] kv : keys) {
            names.add("`" + kv[0] + "`");
            Matcher env = ENV.matcher(kv[1]);
            String own = kv[0].toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            envs.add(env.matches() && !env.group(1).equals(own) ? "`" + env.group(1) + "`, `" + own + "`" : "`" + own + "`");
            String value = env.matches() ? env.group(2) : kv[1];
            defaults.add(value.isEmpty() ? "empty" : "`" + value + "`");
        }
        out.append("| ").append(String.join("<br>", names))
                .append(" | ").append(String.join("<br>", envs))
                .append(" | ").append(String.join("<br>", defaults))
                .append(" | ").append(String.join(" ", comment).replace("|", "\\|"))
                .append(" |\n");
        keys.clear();
        comment.clear();
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
