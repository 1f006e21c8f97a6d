package dev.cairn.states.source;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Opens a state source: a single {@code .sls} file (its siblings are available to includes), a
 * directory ({@code top.sls} + includes), or git: {@code git+URL#REF:PATH} read through JGit.
 */
public final class StateSources {
    private StateSources() {}

    public static SlsTree open(String spec) {
        if (spec.startsWith("git+")) return GitSource.open(spec);
        Path p = Path.of(spec).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) return SlsTree.ofDirectory(readDir(p), hostname(), p.toString());
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().endsWith(".sls")) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "state source " + spec + " is not an .sls file",
                        "pass an .sls file, a directory with top.sls, or git+URL#REF:PATH");
            }
            Map<String, String> files = readDir(p.getParent());
            String name = SlsTree.slsName(p.getFileName().toString());
            files.put(name, read(p));
            return new SlsTree(Map.copyOf(files), List.of(name), p.toString());
        }
        throw new CairnException(ErrorCode.NOT_FOUND, "state source " + spec + " does not exist",
                "pass an .sls file, a directory with top.sls, or git+URL#REF:PATH");
    }

    static Map<String, String> readDir(Path dir) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString();
                String name = SlsTree.slsName(rel);
                if (name != null) files.put(name, read(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + f + ": " + e.getMessage(), "check permissions");
        }
    }

    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
