package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.modules.LocalServiceSupervisor;
import dev.cairn.states.modules.PackageManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** service.* through the local supervisor (real detached processes), pkg.* on this machine's package manager. */
class ServiceAndPkgTest {
    @TempDir
    Path tmp;

    private static long pid(Path stateDir, String name) throws Exception {
        return Long.parseLong(Files.readString(stateDir.resolve("services/" + name + ".pid")).trim());
    }

    @Test
    void serviceRunningIsIdempotentRestartsOnWatchAndDies() throws Exception {
        String conf = tmp.resolve("svc.conf").toString();
        String running = """
                conf: {file.managed: [{name: %s}, {contents: '%s'}]}
                svc:
                  service.running:
                    - command: [sleep, '300']
                    - watch:
                      - file: conf
                """;
        LocalServiceSupervisor sup = new LocalServiceSupervisor(tmp);
        try {
            RunReport first = Sls.run(running.formatted(conf, "v1"), Mode.ANSIBLE, false, tmp);
            assertTrue(first.allSucceeded(), first.results()::toString);
            assertTrue(sup.isRunning("svc"));
            long pid1 = pid(tmp, "svc");
            RunReport second = Sls.run(running.formatted(conf, "v1"), Mode.ANSIBLE, false, tmp);
            assertEquals(0, second.changedCount(), second.results()::toString);
            assertEquals(pid1, pid(tmp, "svc"));
            RunReport changed = Sls.run(running.formatted(conf, "v2"), Mode.JUSTDOIT, false, tmp);
            assertTrue(Sls.byId(changed, "svc").comment().startsWith("Service restarted"), Sls.byId(changed, "svc").comment());
            long pid2 = pid(tmp, "svc");
            assertNotEquals(pid1, pid2);
            assertFalse(ProcessHandle.of(pid1).map(ProcessHandle::isAlive).orElse(false));
            String dead = "svc: {service.dead: []}";
            RunReport dry = Sls.run(dead, Mode.ANSIBLE, true, tmp);
            assertNull(dry.results().get(0).result());
            assertTrue(sup.isRunning("svc"));
            RunReport stop = Sls.run(dead, Mode.ANSIBLE, false, tmp);
            assertEquals(1, stop.changedCount());
            assertFalse(sup.isRunning("svc"));
            assertEquals(0, Sls.run(dead, Mode.ANSIBLE, false, tmp).changedCount());
        } finally {
            sup.stop("svc");
        }
    }

    @Test
    void serviceThatExitsAtOnceFails() {
        RunReport r = Sls.run("bad: {service.running: [{command: 'exit 4'}]}", Mode.ANSIBLE, false, tmp);
        assertEquals(Boolean.FALSE, r.results().get(0).result());
        assertTrue(r.results().get(0).comment().contains("exited at once with code 4"), r.results().get(0).comment());
    }

    @Test
    void pkgrepoWritesAnAptSourceIdempotently() throws Exception {
        String sls = "repo: {pkgrepo.managed: [{name: 'deb http://deb.example.invalid/ stable main'}, {root: '%s'}, {refresh: False}]}".formatted(tmp);
        assertEquals(1, Sls.run(sls, Mode.ANSIBLE, false, tmp).changedCount());
        assertEquals("deb http://deb.example.invalid/ stable main\n", Files.readString(tmp.resolve("etc/apt/sources.list.d/repo.list")));
        assertEquals(0, Sls.run(sls, Mode.ANSIBLE, false, tmp).changedCount());
    }

    /** Installs and removes Debian's small 'sl' package; needs root and apt (CI: CAIRN_REQUIRE_EXTERNAL=1). */
    @Test
    void pkgInstalledAndRemovedWithARealPackage() {
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (!usable) skip("pkg test needs root and apt-get");
        installAndRemoveSl(PackageManager.detect());
    }

    /**
     * The same through PackageKit: starts the system D-Bus when none is running (PackageKit's daemon
     * is started by the bus on the first request) and stops it afterwards, so the pkcon path is
     * exercised for real; needs root, pkcon and dbus-daemon (CI installs packagekit-tools).
     */
    @Test
    void pkgThroughPackageKitsPkcon() throws Exception {
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/pkcon"))
                && Files.isExecutable(Path.of("/usr/bin/dbus-daemon"));
        if (!usable) skip("the pkcon test needs root, /usr/bin/pkcon (packagekit-tools) and /usr/bin/dbus-daemon");
        Process bus = null;
        Long busPid = null;
        if (!"pkcon".equals(PackageManager.detect().tool())) {
            Files.createDirectories(Path.of("/run/dbus"));
            Files.deleteIfExists(Path.of("/run/dbus/pid")); // left by a bus that died
            bus = new ProcessBuilder("dbus-daemon", "--system", "--fork", "--print-pid").redirectErrorStream(true).start();
            String out = new String(bus.getInputStream().readAllBytes()).trim();
            assertEquals(0, bus.waitFor(), "dbus-daemon --system: " + out);
            busPid = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow().trim());
        }
        try {
            PackageManager pm = PackageManager.detect();
            assertEquals("pkcon", pm.tool(), "PackageKit answers once the system bus runs");
            installAndRemoveSl(pm);
        } finally {
            if (busPid != null) {
                ProcessHandle.of(busPid).ifPresent(ProcessHandle::destroy);
                // PackageKit's daemon loses its bus and exits; the next tests use apt-get again
                Files.deleteIfExists(Path.of("/run/dbus/pid"));
                Files.deleteIfExists(Path.of("/run/dbus/system_bus_socket"));
            }
        }
    }

    private static void skip(String why) {
        if ("1".equals(System.getenv("CAIRN_REQUIRE_EXTERNAL"))) throw new AssertionError(why + " (CAIRN_REQUIRE_EXTERNAL=1)");
        System.out.println("SKIP: " + why);
        Assumptions.abort(why);
    }

    private void installAndRemoveSl(PackageManager pm) {
        boolean wasInstalled = pm.installedVersion("sl").isPresent();
        try {
            if (wasInstalled) pm.remove(java.util.List.of("sl"));
            String installed = "sl: {pkg.installed: []}";
            RunReport dry = Sls.run(installed, Mode.ANSIBLE, true, tmp);
            assertNull(dry.results().get(0).result());
            assertFalse(pm.installedVersion("sl").isPresent());
            RunReport first = Sls.run(installed, Mode.ANSIBLE, false, tmp);
            assertTrue(first.allSucceeded(), first.results()::toString);
            assertTrue(first.results().get(0).comment().contains(pm.tool()), "installed through " + pm.tool() + ": " + first.results().get(0).comment());
            assertTrue(pm.installedVersion("sl").isPresent());
            assertEquals(0, Sls.run(installed, Mode.ANSIBLE, false, tmp).changedCount());
            RunReport removed = Sls.run("sl: {pkg.removed: []}", Mode.ANSIBLE, false, tmp);
            assertEquals(1, removed.changedCount(), removed.results()::toString);
            assertFalse(pm.installedVersion("sl").isPresent());
            assertEquals(0, Sls.run("sl: {pkg.removed: []}", Mode.ANSIBLE, false, tmp).changedCount());
        } finally {
            if (wasInstalled && pm.installedVersion("sl").isEmpty()) pm.install(java.util.List.of("sl"));
        }
    }
}
