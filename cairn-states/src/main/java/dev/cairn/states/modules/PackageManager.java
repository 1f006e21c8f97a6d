package dev.cairn.states.modules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The system package manager: pkcon (if PackageKit answers), else apt-get, else dnf. */
public final class PackageManager {
    private final String tool;

    private PackageManager(String tool) { this.tool = tool; }

    public record Outcome(String tool, int retcode, String output) {}

    public String tool() { return tool; }

    public static PackageManager detect() {
        if (exists("/usr/bin/pkcon")) {
            Proc.Result r = Proc.run(List.of("pkcon", "backend-details"), new Proc.Options(null, Map.of(), 15, null, null));
            String all = r.stdout() + r.stderr();
            if (r.retcode() == 0 && !all.contains("Failed to contact") && !all.contains("Could not connect")) return new PackageManager("pkcon");
        }
        if (exists("/usr/bin/apt-get")) return new PackageManager("apt-get");
        if (exists("/usr/bin/dnf")) return new PackageManager("dnf");
        return new PackageManager("none");
    }

    static boolean exists(String p) { return Files.isExecutable(Path.of(p)); }

    public boolean dpkg() { return exists("/usr/bin/dpkg-query"); }

    public Optional<String> installedVersion(String name) {
        if (dpkg()) {
            Proc.Result r = Proc.run(List.of("dpkg-query", "-W", "-f=${Status}\t${Version}", name), Proc.Options.none());
            if (r.retcode() != 0) return Optional.empty();
            String[] parts = r.stdout().split("\t");
            return parts[0].endsWith(" installed") && parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        }
        Proc.Result r = Proc.run(List.of("rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", name), Proc.Options.none());
        return r.retcode() == 0 ? Optional.of(r.stdout().trim()) : Optional.empty();
    }

    public Outcome install(List<String> names) { return exec(true, names); }

    public Outcome remove(List<String> names) { return exec(false, names); }

    private Outcome exec(boolean install, List<String> names) {
        List<String> cmd = new ArrayList<>();
        switch (tool) {
            case "pkcon" -> cmd.addAll(List.of("pkcon", "-y", "--noninteractive", install ? "install" : "remove"));
            case "apt-get" -> cmd.addAll(List.of("apt-get", "-y", "-q", install ? "install" : "remove"));
            case "dnf" -> cmd.addAll(List.of("dnf", "-y", install ? "install" : "remove"));
            default -> { return new Outcome(tool, 127, "no package manager found (pkcon, apt-get or dnf)"); }
        }
        cmd.addAll(names);
        Proc.Result r = Proc.run(cmd, new Proc.Options(null, Map.of("DEBIAN_FRONTEND", "noninteractive"), 1800, null, null));
        String out = (r.stdout() + "\n" + r.stderr()).strip();
        if (out.length() > 400) out = out.substring(out.length() - 400);
        return new Outcome(tool, r.retcode(), out.replace('\n', ' '));
    }

    /** Refreshes package lists after a repository change. */
    public Outcome refresh() {
        List<String> cmd = switch (tool) {
            case "pkcon" -> List.of("pkcon", "-y", "--noninteractive", "refresh");
            case "apt-get" -> List.of("apt-get", "-q", "update");
            case "dnf" -> List.of("dnf", "-y", "makecache");
            default -> List.of("true");
        };
        Proc.Result r = Proc.run(cmd, new Proc.Options(null, Map.of("DEBIAN_FRONTEND", "noninteractive"), 600, null, null));
        return new Outcome(tool, r.retcode(), r.stderr());
    }
}
