package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.ServiceSupervisor;
import dev.cairn.states.exec.StateResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three ordering modes, output variables, failhard and the per-state callback. */
class ExecutorModesTest {
    @TempDir
    Path tmp;

    /** Two states that each wait for the other's marker file: they can only both succeed if they overlap. */
    private String rendezvous() {
        return """
                left:
                  cmd.run:
                    - name: touch %1$s/left; i=0; while [ ! -f %1$s/right ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done; test -f %1$s/right
                right:
                  cmd.run:
                    - name: touch %1$s/right; i=0; while [ ! -f %1$s/left ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done; test -f %1$s/left
                after:
                  test.succeed_without_changes:
                    - require:
                      - left
                      - right
                """.formatted(tmp);
    }

    @Test
    void justdoitRunsIndependentStatesAtOnce() {
        RunReport r = Sls.run(rendezvous(), Mode.JUSTDOIT, false, tmp);
        StateResult left = Sls.byId(r, "left");
        StateResult right = Sls.byId(r, "right");
        assertTrue(left.result() && right.result(), left.comment() + " / " + right.comment());
        assertTrue(left.start().isBefore(right.end()) && right.start().isBefore(left.end()),
                "intervals overlap: " + left.start() + ".." + left.end() + " and " + right.start() + ".." + right.end());
        StateResult after = Sls.byId(r, "after");
        assertFalse(after.start().isBefore(left.end()));
        assertFalse(after.start().isBefore(right.end()));
        assertEquals(2, after.runNum());
    }

    @Test
    void ansibleRunsOneAtATimeInDefinitionOrder() {
        String sls = """
                one: {cmd.run: [{name: echo 1}]}
                two: {cmd.run: [{name: echo 2}]}
                three: {cmd.run: [{name: echo 3}]}
                """;
        RunReport r = Sls.run(sls, Mode.ANSIBLE, false, tmp);
        assertEquals(List.of("one", "two", "three"), r.results().stream().map(StateResult::id).toList());
        for (int i = 1; i < r.results().size(); i++) {
            assertFalse(r.results().get(i).start().isBefore(r.results().get(i - 1).end()), "sequential");
        }
    }

    @Test
    void boundedParallelismOfOneSerialises() {
        StateEngine e = StateEngine.withBuiltins(Sls.context(tmp));
        String sls = "a: {cmd.run: [{name: sleep 0.05}]}\nb: {cmd.run: [{name: sleep 0.05}]}\nc: {cmd.run: [{name: sleep 0.05}]}\n";
        Compiler.Result c = e.compile(n -> Optional.of(sls), List.of("s"), Mode.JUSTDOIT);
        RunReport r = e.run(c.plan(), RunOptions.defaults().withParallelism(1));
        List<StateResult> rs = new ArrayList<>(r.results());
        rs.sort((x, y) -> x.start().compareTo(y.start()));
        for (int i = 1; i < rs.size(); i++) assertFalse(rs.get(i).start().isBefore(rs.get(i - 1).end()));
    }

    @Test
    void geniusStartsTheServiceAfterItsFile() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServiceSupervisor fake = new ServiceSupervisor() {
            public boolean isRunning(String name) { return false; }
            public String start(ServiceSpec spec) {
                events.add("start " + spec.name() + " conf=" + Files.exists(tmp.resolve("app.conf")));
                return "fake";
            }
            public boolean stop(String name) { return false; }
        };
        StateEngine e = StateEngine.withBuiltins(new RunContext(tmp, fake, null, Map.of()));
        String sls = """
                app: {service.running: [{command: sleep 1000}]}
                conf: {file.managed: [{name: %s/app.conf}, {contents: port=80}]}
                """.formatted(tmp);
        Compiler.Result c = e.compile(n -> Optional.of(sls), List.of("s"), Mode.GENIUS);
        RunReport r = e.run(c.plan(), RunOptions.defaults());
        assertTrue(r.allSucceeded(), r.results()::toString);
        assertEquals(List.of("start app conf=true"), events);
    }

    @Test
    void outputsAsVariables() {
        String sls = """
                who:
                  cmd.run:
                    - name: echo cairn; echo oops >&2
                use:
                  cmd.run:
                    - name: "echo got={{ states.who.stdout }} err={{ states.who.stderr }} rc={{ states.who.retcode }} ok={{ states.who.result }} c={{ states.who.changes.stdout }}"
                """;
        for (Mode m : Mode.values()) {
            RunReport r = Sls.run(sls, m, false, tmp);
            assertEquals("got=cairn err=oops rc=0 ok=true c=cairn", Sls.byId(r, "use").changes().get("stdout"), m.key());
        }
    }

    @Test
    void referenceToAStateThatDidNotRunIsAClearError() {
        String sls = """
                trigger: {test.succeed_without_changes: []}
                maybe:
                  cmd.run:
                    - name: echo maybe
                    - onchanges: [trigger]
                use:
                  cmd.run:
                    - name: "echo {{ states.maybe.stdout }}"
                """;
        RunReport r = Sls.run(sls, Mode.ANSIBLE, false, tmp);
        StateResult use = Sls.byId(r, "use");
        assertEquals(Boolean.FALSE, use.result());
        assertTrue(use.comment().startsWith("Cannot render {{ states.maybe.stdout }}: state 'maybe' did not run"), use.comment());
    }

    @Test
    void failhardStopsTheRunInEveryMode() {
        String sls = """
                bad: {test.fail_without_changes: [{failhard: True}]}
                later: {test.succeed_with_changes: [{require: [bad]}]}
                """;
        for (Mode m : Mode.values()) {
            RunReport r = Sls.run(sls, m, false, tmp);
            assertTrue(r.failhardStopped(), m.key());
            assertEquals(List.of("bad"), r.results().stream().map(StateResult::id).toList(), m.key());
        }
    }

    @Test
    void testModeChangesNothingAndReportsWouldChange() {
        Path f = tmp.resolve("dry.txt");
        String sls = "f: {file.managed: [{name: %s}, {contents: hi}]}\nc: {cmd.run: [{name: touch %s/ran}]}\n".formatted(f, tmp);
        RunReport r = Sls.run(sls, Mode.JUSTDOIT, true, tmp);
        assertNull(Sls.byId(r, "f").result());
        assertNull(Sls.byId(r, "c").result());
        assertFalse(Files.exists(f));
        assertFalse(Files.exists(tmp.resolve("ran")));
    }

    @Test
    void listenerReceivesEveryResultAsItBecomesFinal() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        StateEngine e = StateEngine.withBuiltins(Sls.context(tmp));
        String sls = "a: {test.nop: []}\nb: {test.succeed_with_changes: [{require: [a]}]}\nc: {test.nop: [{onchanges: [b]}]}\n";
        for (Mode m : Mode.values()) {
            seen.clear();
            Compiler.Result c = e.compile(n -> Optional.of(sls), List.of("s"), m);
            e.run(c.plan(), RunOptions.defaults().withListener(res -> seen.add(res.id() + ":" + res.runNum())));
            assertEquals(List.of("a:0", "b:1", "c:2"), seen, m.key());
        }
    }

    @Test
    void prereqAndWatchWorkInParallelModesToo() {
        String sls = """
                B:
                  test.succeed_with_changes:
                    - prereq:
                      - test: C
                C:
                  test.succeed_with_changes: []
                W:
                  test.succeed_without_changes:
                    - watch:
                      - test: C
                """;
        for (Mode m : Mode.values()) {
            RunReport r = Sls.run(sls, m, false, tmp);
            assertEquals(List.of("B", "C", "W"), r.results().stream().map(StateResult::id).toList(), m.key());
            assertEquals("Watch statement fired.", Sls.byId(r, "W").comment(), m.key());
            assertEquals(3, Sls.byId(r, "W").runNum(), m.key());
        }
    }
}
