package dev.cairn.controller.instances;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.core.storage.StorageKey;
import dev.cairn.instances.AppPackage;
import dev.cairn.instances.Layout;
import dev.cairn.packages.Completeness;
import dev.cairn.packages.CompletionMarker;
import dev.cairn.packages.Coordinate;
import dev.cairn.packages.PackageFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The stage on the shared filesystem: {@code <root>/cairn/shared/<app>/stage/<version>/} holds the
 * files of an installed package (from package storage), copied into a temporary directory and
 * renamed into place, so a stage directory is either complete or absent.
 */
public final class Stages {
    public record Staged(String app, String version, Path path, int files, boolean created) {}

    private final Layout layout;
    private final PackageStorage storage;

    public Stages(Layout layout, PackageStorage storage) {
        this.layout = layout;
        this.storage = storage;
    }

    public Layout layout() { return layout; }

    /** Versions staged for {@code app}, oldest first. */
    public List<String> staged(String app) {
        Path root = layout.stageRoot(app);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(out::add);
        } catch (IOException e) {
            throw io("cannot list " + root, e);
        }
        out.sort(VERSIONS);
        return out;
    }

    /** The version install uses when none is given: the newest staged or installed in package storage. */
    public String newest(String app) {
        TreeSet<String> all = new TreeSet<>(VERSIONS);
        all.addAll(staged(app));
        for (Coordinate c : PackageFiles.coordinatesInStorage(storage)) {
            if (c.name().equals(app) && PackageFiles.completeness(storage, c) == Completeness.ALL) all.add(c.version());
        }
        if (all.isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, app + " is neither staged nor installed in the cluster's repository",
                    "install it first: 'cairn package install " + app + "' or 'cairn package add FILE'");
        }
        return all.last();
    }

    /** Stages {@code app@version} from package storage unless it is staged already. */
    public Staged stage(String app, String version) {
        Path target = layout.stage(app, version);
        if (Files.isDirectory(target)) return new Staged(app, version, target, count(target), false);
        Coordinate c = new Coordinate(app, version);
        if (PackageFiles.completeness(storage, c) != Completeness.ALL) {
            throw new CairnException(ErrorCode.NOT_FOUND, c + " is not installed in the cluster's repository, so it cannot be staged",
                    "see 'cairn package state'; install it with 'cairn package install' or 'cairn package add'");
        }
        Path tmp = target.resolveSibling(".tmp-" + version + "-" + UUID.randomUUID());
        int n = 0;
        try {
            Files.createDirectories(tmp);
            for (StorageKey k : storage.list(c.storagePrefix())) {
                String rel = k.relativeTo(c.storagePrefix());
                if (rel.equals(CompletionMarker.FILE_NAME)) continue;
                Path dest = Layout.inside(tmp, rel, "package file");
                Files.createDirectories(dest.getParent());
                try (InputStream in = storage.open(k)) {
                    Files.copy(in, dest);
                }
                n++;
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                deleteTree(tmp); // someone staged it at the same time: theirs is as good
                return new Staged(app, version, target, count(target), false);
            }
            return new Staged(app, version, target, n, true);
        } catch (IOException e) {
            deleteTree(tmp);
            throw io("cannot stage " + c + " into " + target, e);
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Reads the staged package. */
    public AppPackage load(String app, String version) {
        Path dir = layout.stage(app, version);
        return AppPackage.load(files(dir));
    }

    public static AppPackage.Files files(Path dir) {
        return rel -> {
            Path p = Layout.inside(dir, rel, "package file");
            try {
                return Optional.of(Files.readAllBytes(p));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw io("cannot read " + p, e);
            }
        };
    }

    /** Removes one staged version, or all of them (and the app's directory when it is then empty). */
    public List<String> unstage(String app, Optional<String> version) {
        List<String> gone = new ArrayList<>();
        for (String v : staged(app)) {
            if (version.isPresent() && !version.get().equals(v)) continue;
            deleteTree(layout.stage(app, v));
            gone.add(v);
        }
        if (version.isPresent() && gone.isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, app + "@" + version.get() + " is not staged", "see 'cairn instance list'");
        }
        Path stageRoot = layout.stageRoot(app);
        try {
            if (Files.isDirectory(stageRoot) && staged(app).isEmpty()) {
                deleteTree(stageRoot);
                Files.deleteIfExists(stageRoot.getParent());
            }
        } catch (IOException e) {
            // the app directory holds something else: leave it
        }
        return gone;
    }

    static int count(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return (int) s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw io("cannot delete " + dir, e);
        }
    }

    static CairnException io(String what, IOException e) {
        return new CairnException(ErrorCode.OPERATION_FAILED, what + ": " + e, "check the shared filesystem (space, permissions)", e);
    }

    /** Versions compared by their numeric and textual runs: 1.10.0 after 1.9.0. */
    static final Comparator<String> VERSIONS = (a, b) -> {
        String[] x = a.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        String[] y = b.split("(?<=\\d)(?=\\D)|(?<=\\D)(?=\\d)");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].chars().allMatch(Character::isDigit) && y[i].chars().allMatch(Character::isDigit)) {
                c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length) != 0 ? Integer.compare(x.length, y.length) : a.compareTo(b);
    };
}
