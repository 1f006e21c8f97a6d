package dev.cairn.agent.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.service.LogFiles;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.agent.service.ServiceSupervisor;
import dev.cairn.core.CairnException;
import dev.cairn.states.exec.ServiceSupervisor.ServiceSpec;
import dev.cairn.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services of {@code service.running} states go through the agent's supervisor: they are
 * restarted when they die, their output is in the service log, and a new run of the agent adopts
 * them instead of starting them again.
 */
class StateServicesTest {
    static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    ServiceSupervisor sup;

    @AfterEach
    void stop() {
        if (sup != null) {
            sup.stopAll();
            sup.close();
        }
    }

    static ServiceSpec web(Path cwd) {
        return new ServiceSpec("web server", List.of("/bin/sh", "-c", "echo started in $(pwd) as $GREETING; exec sleep 1000"), cwd.toString(),
                Map.of("GREETING", "hi"));
    }

    ServiceReport report(ServiceSupervisor s, String name) {
        return s.report(StateServices.DEPLOYMENT, StateServices.serviceId(name)).orElseThrow();
    }

    String log(ServiceSupervisor s, String name) throws Exception {
        return Files.readString(LogFiles.current(s.serviceDir(StateServices.DEPLOYMENT, StateServices.serviceId(name))));
    }

    @Test
    void aStateServiceIsRestartedWhenKilledLoggedAndAdoptedByTheNextAgent() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("work"));
        sup = new ServiceSupervisor(tmp.resolve("services"), null);
        StateServices services = new StateServices(sup);
        assertFalse(services.isRunning("web server"));
        String how = services.start(web(cwd));
        long pid = report(sup, "web server").pid();
        assertEquals("pid " + pid, how);
        assertTrue(services.isRunning("web server"));
        Await.until("its output in the service log", T, () -> log(sup, "web server").contains("started in " + cwd + " as hi"));

        // killed: the supervisor restarts it (no policy engine looks after it)
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Await.until("a new copy", T, () -> report(sup, "web server").state().equals("running") && report(sup, "web server").pid() != pid);
        assertEquals(1, report(sup, "web server").failCount());
        long second = report(sup, "web server").pid();
        Await.until("the second start in the log", T, () -> log(sup, "web server").split("started in", -1).length == 3);

        // the agent goes away and a new one starts: it adopts the service, which keeps being supervised
        sup.close();
        assertTrue(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false), "services outlive the agent");
        sup = new ServiceSupervisor(tmp.resolve("services"), null);
        sup.recoverLeftovers();
        StateServices again = new StateServices(sup);
        assertTrue(again.isRunning("web server"), "adopted: service.running finds it running and starts nothing");
        assertTrue(report(sup, "web server").adopted());
        assertEquals(second, report(sup, "web server").pid());
        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        Await.until("an adopted service restarted too", T, () -> again.isRunning("web server") && report(sup, "web server").pid() != second);

        // service.dead stops it for good
        long third = report(sup, "web server").pid();
        assertTrue(again.stop("web server"));
        assertEquals("stopped", report(sup, "web server").state());
        Await.until("the process gone", T, () -> ProcessHandle.of(third).map(h -> !h.isAlive()).orElse(true));
        assertFalse(again.isRunning("web server"));
        assertFalse(again.stop("web server"), "nothing left to stop");
    }

    @Test
    void aCommandThatExitsAtOnceFailsItsStateAndIsNotRestarted() {
        sup = new ServiceSupervisor(tmp.resolve("services"), null);
        StateServices services = new StateServices(sup);
        CairnException e = assertThrows(CairnException.class,
                () -> services.start(new ServiceSpec("broken", List.of("/bin/sh", "-c", "exit 3"), null, Map.of())));
        assertTrue(e.getMessage().contains("service broken exited at once"), e.getMessage());
        assertTrue(e.hint().endsWith("/services/_states/broken/service.log"), e.hint());
        // stopped (or, when it was stopped before its exit counted as a failure, forgotten): no restart is pending
        assertTrue(sup.report(StateServices.DEPLOYMENT, "broken").map(r -> r.state().equals("stopped")).orElse(true));
    }

    @Test
    void namesThatAreNotServiceIdsAreKeptApart() {
        assertEquals("web", StateServices.serviceId("web"));
        String a = StateServices.serviceId("my app");
        String b = StateServices.serviceId("my_app");
        assertTrue(a.startsWith("my_app-"), a);
        assertEquals("my_app", b);
        assertNotEquals(a, b);
        assertTrue(StateServices.serviceId("/usr/bin/" + "x".repeat(100)).length() <= 63);
    }
}
