package dev.cairn.states.modules;

import com.samskivert.mustache.Mustache;
import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * file.managed (contents | source [http(s)://, storage:KEY, file path] | template: mustache with
 * context), file.directory, file.absent, file.symlink; mode, user, group, makedirs. Every
 * function compares current with desired first, so a second apply reports no changes.
 */
public final class FileModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("file", Set.of("managed", "directory", "absent", "symlink"),
            false, ModuleInfo.Kind.FILE);

    @Override public ModuleInfo info() { return INFO; }

    @Override
    public StateReturn call(StateCall c) {
        Path path = Path.of(c.name());
        if (!path.isAbsolute()) return StateReturn.failed("Specified file " + c.name() + " is not an absolute path");
        try {
            return switch (c.function()) {
                case "managed" -> managed(c, path);
                case "directory" -> directory(c, path);
                case "absent" -> absent(c, path);
                case "symlink" -> symlink(c, path);
                default -> StateReturn.failed("file." + c.function() + " is not available");
            };
        } catch (IOException e) {
            return StateReturn.failed("file." + c.function() + " " + path + ": " + (e.getClass() == IOException.class ? e.getMessage() : e.toString()));
        }
    }

    private StateReturn managed(StateCall c, Path path) throws IOException {
        byte[] desired;
        try {
            desired = desiredContents(c);
        } catch (RuntimeException e) {
            return StateReturn.failed("Unable to manage file " + path + ": " + e.getMessage());
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return StateReturn.failed("Specified target " + path + " is a directory");
        }
        boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> changes = new LinkedHashMap<>();
        boolean replace = c.bool("replace", true);
        if (!exists) {
            changes.put("diff", "New file");
        } else if (desired != null && replace && !Arrays.equals(Files.readAllBytes(path), desired)) {
            changes.put("diff", "contents differ");
        }
        Map<String, Object> attrs = FileAttrs.pending(path, exists, c);
        changes.putAll(attrs);
        Path parent = path.getParent();
        if (!exists && parent != null && !Files.isDirectory(parent) && !c.bool("makedirs", false)) {
            return StateReturn.failed("Parent directory not present");
        }
        if (changes.isEmpty()) return StateReturn.ok("File " + path + " is in the correct state");
        if (c.test()) return StateReturn.wouldChange(changes, "The file " + path + " is set to be changed");
        if (!exists && parent != null) Files.createDirectories(parent);
        if (changes.containsKey("diff")) {
            Path tmp = writeTemp(parent, path, desired == null ? new byte[0] : desired);
            if (exists) FileAttrs.copyMode(path, tmp);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        FileAttrs.apply(path, c);
        return StateReturn.changed(changes, exists ? "File " + path + " updated" : desired == null ? "Empty file" : "File " + path + " updated");
    }

    private static final AtomicLong TEMP_COUNTER = new AtomicLong();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /**
     * Writes {@code bytes} to a new owner-only (0600) file next to {@code path}, as
     * Files.createTempFile would create it, but named by pid and a counter: createTempFile's
     * random names need a SecureRandom, whose start-up costs more than writing a few hundred small
     * files. CREATE_NEW never reuses an existing file; a left-over name is skipped.
     */
    private static Path writeTemp(Path dir, Path path, byte[] bytes) throws IOException {
        String prefix = "." + path.getFileName() + "." + ProcessHandle.current().pid() + ".";
        while (true) {
            Path tmp = dir.resolve(prefix + TEMP_COUNTER.incrementAndGet() + ".cairn");
            SeekableByteChannel ch;
            try {
                ch = Files.newByteChannel(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                continue; // a left-over from an earlier process with the same pid: take the next number
            }
            try (ch) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return tmp;
        }
    }

    private static byte[] desiredContents(StateCall c) {
        byte[] raw = null;
        if (c.args().containsKey("contents")) {
            Object v = c.args().get("contents");
            String s = v instanceof List<?> l ? String.join("\n", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
            if (!s.endsWith("\n") && c.bool("contents_newline", true)) s = s + "\n";
            raw = s.getBytes(StandardCharsets.UTF_8);
        } else if (c.args().containsKey("source")) {
            String source = c.string("source");
            if (c.context() == null || c.context().fetcher() == null) throw new IllegalStateException("no source fetcher for " + source);
            raw = c.context().fetcher().fetch(source);
        }
        String template = c.string("template");
        if (template != null && raw != null) {
            if (!template.equalsIgnoreCase("mustache")) throw new IllegalArgumentException("unsupported template engine '" + template + "' (use mustache)");
            Map<String, Object> ctx = new LinkedHashMap<>();
            if (c.args().get("defaults") instanceof Map<?, ?> d) d.forEach((k, v) -> ctx.put(String.valueOf(k), v));
            if (c.args().get("context") instanceof Map<?, ?> d) d.forEach((k, v) -> ctx.put(String.valueOf(k), v));
            String out = Mustache.compiler().defaultValue("").compile(new String(raw, StandardCharsets.UTF_8)).execute(ctx);
            raw = out.getBytes(StandardCharsets.UTF_8);
        }
        return raw;
    }

    private StateReturn directory(StateCall c, Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return StateReturn.failed("Specified location " + path + " exists and is a file");
        }
        boolean exists = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!exists) changes.put(path.toString(), "New Dir");
        changes.putAll(FileAttrs.pending(path, exists, c));
        Path parent = path.getParent();
        if (!exists && parent != null && !Files.isDirectory(parent) && !c.bool("makedirs", false)) {
            return StateReturn.failed("No directory to create " + path + " in");
        }
        if (changes.isEmpty()) return StateReturn.ok("The directory " + path + " is in the correct state");
        if (c.test()) return StateReturn.wouldChange(changes, "The directory " + path + " is set to be changed");
        Files.createDirectories(path);
        FileAttrs.apply(path, c);
        return StateReturn.changed(changes, "Directory " + path + " updated");
    }

    private StateReturn absent(StateCall c, Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return StateReturn.ok("File " + path + " is not present");
        boolean dir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        if (path.getNameCount() == 0) return StateReturn.failed("Refusing to remove /");
        Map<String, Object> changes = Map.of("removed", path.toString());
        if (c.test()) return StateReturn.wouldChange(changes, (dir ? "Directory " : "File ") + path + " is set for removal");
        if (dir) {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        } else {
            Files.delete(path);
        }
        return StateReturn.changed(changes, "Removed " + (dir ? "directory " : "file ") + path);
    }

    private StateReturn symlink(StateCall c, Path path) throws IOException {
        String target = c.string("target");
        if (target == null) return StateReturn.failed("file.symlink needs a target");
        Path t = Path.of(target);
        if (Files.isSymbolicLink(path) && Files.readSymbolicLink(path).equals(t)) {
            return StateReturn.ok("Symlink " + path + " is present and owned by the correct user");
        }
        boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        boolean force = c.bool("force", false);
        if (exists && !Files.isSymbolicLink(path) && !force) {
            return StateReturn.failed("File exists where the symlink " + path + " should be (set force: True to replace it)");
        }
        Path parent = path.getParent();
        if (parent != null && !Files.isDirectory(parent) && !c.bool("makedirs", false)) {
            return StateReturn.failed("Directory " + parent + " for symlink is not present");
        }
        Map<String, Object> changes = Map.of("new", path.toString(), "target", target);
        if (c.test()) return StateReturn.wouldChange(changes, "Symlink " + path + " to " + target + " is set for creation");
        if (parent != null) Files.createDirectories(parent);
        if (exists) {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) return StateReturn.failed("Refusing to replace directory " + path + " with a symlink");
            Files.delete(path);
        }
        Files.createSymbolicLink(path, t);
        return StateReturn.changed(changes, "Created new symlink " + path + " -> " + target);
    }
}
