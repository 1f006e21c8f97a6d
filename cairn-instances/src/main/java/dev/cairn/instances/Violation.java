package dev.cairn.instances;

/**
 * One thing wrong with an instance's options: the JSON path ({@code $.brokers.count}), what is
 * wrong, and the description the schema gives that option (null when it gives none).
 */
public record Violation(String path, String message, String description) {
    public String text() {
        return path + " " + message + (description == null || description.isBlank() ? "" : " — " + oneLine(description));
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }

    /** {@code $}, {@code $.a.b}, {@code $.list[2]}, {@code $['odd key']}. */
    public static String child(String parent, String key) {
        return key.matches("[A-Za-z_][A-Za-z0-9_-]*") ? parent + "." + key : parent + "['" + key.replace("'", "\\'") + "']";
    }

    public static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
