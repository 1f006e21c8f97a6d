package dev.cairn.states.modules;

import dev.cairn.states.compile.ModuleInfo;
import dev.cairn.states.exec.StateCall;
import dev.cairn.states.exec.StateModule;
import dev.cairn.states.exec.StateReturn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * pkgrepo.managed: an apt source line ({@code name: "deb http://… suite comp"}, optional
 * {@code file}) under /etc/apt/sources.list.d, or a dnf .repo file ({@code baseurl},
 * {@code humanname}, {@code gpgcheck}) under /etc/yum.repos.d; package lists are refreshed
 * after a change. {@code root} (default /) lets tests manage a scratch tree.
 */
public final class PkgrepoModule implements StateModule {
    private static final ModuleInfo INFO = new ModuleInfo("pkgrepo", Set.of("managed", "absent"), false, ModuleInfo.Kind.PKGREPO);

    @Override public ModuleInfo info() { return INFO; }

    @Override
    public StateReturn call(StateCall c) {
        Path root = Path.of(c.string("root", "/"));
        boolean apt = !c.args().containsKey("baseurl");
        Path file;
        String contents;
        if (apt) {
            String f = c.string("file", "/etc/apt/sources.list.d/" + c.id().replaceAll("[^A-Za-z0-9_.-]", "_") + ".list");
            file = root.resolve(f.startsWith("/") ? f.substring(1) : f);
            contents = c.name() + "\n";
        } else {
            String id = c.name().replaceAll("[^A-Za-z0-9_.-]", "_");
            file = root.resolve("etc/yum.repos.d/" + id + ".repo");
            contents = "[" + id + "]\nname=" + c.string("humanname", id) + "\nbaseurl=" + c.string("baseurl")
                    + "\nenabled=" + (c.bool("enabled", true) ? 1 : 0) + "\ngpgcheck=" + (c.bool("gpgcheck", true) ? 1 : 0) + "\n";
        }
        try {
            boolean absent = c.function().equals("absent");
            boolean present = Files.exists(file);
            boolean same = present && Files.readString(file).equals(contents);
            if (absent ? !present : same) return StateReturn.ok("Package repo " + c.name() + " already in the desired state");
            Map<String, Object> changes = absent ? Map.of("repo", c.name(), "removed", file.toString())
                    : Map.of("repo", c.name(), "file", file.toString());
            if (c.test()) return StateReturn.wouldChange(changes, "Package repo " + c.name() + " would be " + (absent ? "removed" : "configured"));
            if (absent) {
                Files.delete(file);
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, contents, StandardCharsets.UTF_8);
            }
            if (c.bool("refresh", root.toString().equals("/"))) PackageManager.detect().refresh();
            return StateReturn.changed(changes, "Configured package repo " + c.name());
        } catch (IOException e) {
            return StateReturn.failed("Failed to configure repo " + c.name() + ": " + e);
        }
    }
}
