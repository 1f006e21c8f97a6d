package dev.cairn.instances;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Path;
import java.util.List;

/**
 * Where things live on the shared filesystem (seed 001): the stage of an app at
 * {@code <root>/cairn/shared/<app>/stage/<version>/}, instance homes at
 * {@code <root>/<basedir>/<role>/<app>/<id>/}, and each role's directory in every basedir.
 * Pure path arithmetic; nothing here touches the disk.
 */
public record Layout(Path root, List<String> basedirs) {
    public static final List<String> DEFAULT_BASEDIRS = List.of("apps", "data", "etl", "cairn");
    public static final String STAGE_BASEDIR = "cairn";

    public Layout {
        root = root.toAbsolutePath().normalize();
        basedirs = List.copyOf(basedirs);
        if (basedirs.isEmpty()) throw new IllegalArgumentException("at least one basedir");
        for (String b : basedirs) InstanceNames.requireBasedir(b);
    }

    public static Layout defaults(Path root) {
        return new Layout(root, DEFAULT_BASEDIRS);
    }

    /** The first basedir: where instances go when install names none. */
    public String defaultBasedir() { return basedirs.get(0); }

    public String requireBasedir(String basedir) {
        InstanceNames.requireBasedir(basedir);
        if (!basedirs.contains(basedir)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "basedir '" + basedir + "' is not one of " + basedirs,
                    "use --basedir with one of " + String.join(", ", basedirs));
        }
        return basedir;
    }

    public Path stageRoot(String app) {
        return root.resolve(STAGE_BASEDIR).resolve(InstanceNames.SHARED_ROLE).resolve(InstanceNames.requireApp(app)).resolve("stage");
    }

    public Path stage(String app, String version) {
        return stageRoot(app).resolve(dev.cairn.core.Names.requireVersion(version));
    }

    public Path roleDir(String basedir, String role) {
        return root.resolve(requireBasedir(basedir)).resolve(InstanceNames.requireRole(role));
    }

    public Path home(String basedir, String role, String app, String id) {
        return roleDir(basedir, role).resolve(InstanceNames.requireApp(app)).resolve(InstanceNames.requireId(id));
    }

    /**
     * {@code relative} resolved below {@code base}, refused when it is absolute, empty, or escapes
     * {@code base} once normalized ({@code ../}, {@code a/../../b}). {@code what} names it in the error.
     */
    public static Path inside(Path base, String relative, String what) {
        if (relative == null || relative.isBlank() || relative.indexOf('\0') >= 0 || relative.contains("\\")) {
            throw escapes(what, relative, base);
        }
        Path rel = Path.of(relative);
        if (rel.isAbsolute()) throw escapes(what, relative, base);
        Path b = base.toAbsolutePath().normalize();
        Path p = b.resolve(rel).normalize();
        if (!p.startsWith(b) || p.equals(b)) throw escapes(what, relative, base);
        return p;
    }

    /** Whether {@code path} (absolute) is {@code base} or lies below it once normalized. */
    public static boolean within(Path base, Path path) {
        return path.isAbsolute() && path.normalize().startsWith(base.toAbsolutePath().normalize());
    }

    static CairnException escapes(String what, String relative, Path base) {
        return new CairnException(ErrorCode.INVALID_INPUT, what + " '" + relative + "' escapes " + base,
                "paths are relative to it, without '..' that leaves it");
    }
}
