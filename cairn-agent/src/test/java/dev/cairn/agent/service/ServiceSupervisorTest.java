package dev.cairn.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceSupervisorTest {
    @TempDir
    Path tmp;

    private ServiceSupervisor sup;

    @AfterEach
    void stop() {
        if (sup != null) {
            sup.stopAll();
            sup.close();
        }
    }

    static ServiceSpec spec(String svc, String script, MonitorSpec m) {
        return new ServiceSpec("web", svc, "h1", List.of("/bin/sh", "-c", script), Map.of("GREETING", "hi"), m, 2_000);
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void runsInItsOwnProcessGroupLogsOutputAndStopKillsTheWholeGroup() throws Exception {
        sup = new ServiceSupervisor(tmp, null);
        // the service starts a grandchild; stopping must kill both
        ServiceReport r = sup.start(spec("hello", "echo $GREETING; sleep 1000 & echo child $!; wait", MonitorSpec.PROCESS));
        assertEquals("running", r.state());
        long pid = r.pid();
        await(() -> ProcessGroups.pgid(pid).orElse(-1L) == pid, "the service to lead its own process group (setsid)");
        Path log = LogFiles.current(sup.serviceDir("web", "hello"));
        await(() -> {
            try {
                return Files.readString(log).contains("child ");
            } catch (Exception e) {
                return false;
            }
        }, "output in the log file");
        String out = Files.readString(log);
        assertTrue(out.startsWith("hi"), out);
        long child = Long.parseLong(out.substring(out.indexOf("child ") + 6).trim());
        assertTrue(ProcessGroups.alive(child));
        assertTrue(Files.exists(sup.serviceDir("web", "hello").resolve(ServiceSupervisor.PID_FILE)));

        assertEquals("stopped", sup.stop("web", "hello").state());
        await(() -> !ProcessGroups.alive(pid) && !ProcessGroups.alive(child), "the whole group to be gone");
        assertFalse(Files.exists(sup.serviceDir("web", "hello").resolve(ServiceSupervisor.PID_FILE)));
    }

    @Test
    void aFailedMonitorKillsTheServiceAndCountsTheFailure() throws Exception {
        sup = new ServiceSupervisor(tmp, null);
        Path flag = tmp.resolve("healthy");
        Files.writeString(flag, "yes");
        MonitorSpec m = new MonitorSpec("command", 100, 1_000, List.of("test", "-f", flag.toString()), null, null, 0);
        ServiceReport r = sup.start(spec("checked", "exec sleep 1000", m));
        Thread.sleep(300);
        assertEquals("running", sup.reports().get(0).state(), "healthy while the check passes");
        Files.delete(flag);
        await(() -> sup.reports().get(0).state().equals("failed"), "the monitor to fail the service");
        assertEquals(1, sup.reports().get(0).failCount());
        await(() -> !ProcessGroups.alive(r.pid()), "the failed service to be killed");

        // a process that exits on its own is a failure too, and starting again keeps the count
        sup.start(spec("checked", "exec sleep 1000", MonitorSpec.PROCESS));
        long pid2 = sup.reports().get(0).pid();
        await(() -> ProcessGroups.pgid(pid2).orElse(-1L) == pid2, "setsid to make the group");
        ProcessGroups.signal(pid2, "KILL");
        await(() -> sup.reports().get(0).failCount() == 2, "the exit to count as a second failure");
    }

    @Test
    void aNewSupervisorFindsServicesLeftByAnEarlierRun() throws Exception {
        ServiceSupervisor first = new ServiceSupervisor(tmp, null);
        long pid = first.start(spec("left", "exec sleep 1000", MonitorSpec.PROCESS)).pid();
        await(() -> ProcessGroups.pgid(pid).orElse(-1L) == pid, "setsid to make the group");
        first.close(); // the agent goes away; the service keeps running
        assertTrue(ProcessGroups.alive(pid));

        sup = new ServiceSupervisor(tmp, null);
        List<ServiceReport> found = sup.recoverLeftovers();
        assertEquals(1, found.size());
        assertEquals(pid, found.get(0).pid());
        assertTrue(found.get(0).adopted());
        // starting the same definition again does not start a second copy
        assertEquals(pid, sup.start(spec("left", "exec sleep 1000", MonitorSpec.PROCESS)).pid());
        ProcessGroups.signal(pid, "KILL");
        await(() -> sup.reports().get(0).state().equals("failed"), "an adopted service's death to be noticed");
    }

    @Test
    void aTcpMonitorGivesAStartingServiceTimeToListenThenFailsItWhenItStops() throws Exception {
        sup = new ServiceSupervisor(tmp, null);
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MonitorSpec m = new MonitorSpec("tcp", 200, 500, null, null, "127.0.0.1", port);
        // listens only after 1.5 s: the first checks find nothing, which must not fail it
        String script = "sleep 1.5; exec python3 -c 'import socket,time; s=socket.socket(); "
                + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\"127.0.0.1\", " + port + ")); s.listen(); "
                + "time.sleep(1000)'";
        sup.start(spec("slow", script, m));
        await(() -> {
            try (java.net.Socket c = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the service to listen");
        Thread.sleep(600); // a few more checks, now answered
        assertEquals("running", sup.reports().get(0).state(), "not failed while it was starting");
        assertEquals(0, sup.reports().get(0).failCount());
        // once it is gone it is failed (its process exit, or the tcp check with no grace left)
        long pid = sup.reports().get(0).pid();
        ProcessHandle.of(pid).ifPresent(ph -> ph.descendants().forEach(ProcessHandle::destroyForcibly));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await(() -> sup.reports().get(0).state().equals("failed"), "the service to be failed once it stopped answering");
    }
}
