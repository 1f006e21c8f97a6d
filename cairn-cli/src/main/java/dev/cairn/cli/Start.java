package dev.cairn.cli;

/**
 * The {@code ./cairn} launcher's entry point; the same as {@link Main#main}. The JVM looks the
 * main method up by reflection over every method of the main class, which for {@link Main} means
 * loading picocli's CommandLine (half a megabyte of Java 5 class file, which class-data sharing
 * cannot archive) before the first line runs, even for a local state apply that never uses it.
 */
public final class Start {
    private Start() {}

    public static void main(String[] args) {
        Main.main(args);
    }
}
