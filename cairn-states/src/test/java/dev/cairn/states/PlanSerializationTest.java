package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.core.Json;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.StateExecutor;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.modules.Modules;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan compiled once can be sent as JSON and executed elsewhere (what a cluster run does). */
class PlanSerializationTest {
    @TempDir
    Path tmp;

    @Test
    void planRoundTripsThroughJsonAndRunsTheSame() {
        String sls = """
                a: {test.succeed_with_changes: [{require_in: [b]}]}
                b: {test.nop: [{prereq: [c]}, {order: 3}]}
                c: {cmd.run: [{name: [echo, '{{ states.a.result }}']}]}
                d: {cmd.run: [{name: echo d}, {listen: [c]}, {timeout: 1.5}]}
                """;
        Plan plan = Sls.compile(sls, Mode.ANSIBLE).plan();
        Plan copy = Json.read(Json.bytes(plan), Plan.class);
        assertEquals(Json.string(plan), Json.string(copy));
        List<String> direct = new StateExecutor(plan, Modules.builtins(), Sls.context(tmp), RunOptions.defaults()).run()
                .results().stream().map(r -> r.tag() + "=" + r.result() + ":" + r.comment()).toList();
        List<StateResult> shipped = new StateExecutor(copy, Modules.builtins(), Sls.context(tmp), RunOptions.defaults()).run().results();
        assertEquals(direct, shipped.stream().map(r -> r.tag() + "=" + r.result() + ":" + r.comment()).toList());
        assertEquals("true", shipped.stream().filter(r -> r.id().equals("c")).findFirst().orElseThrow().changes().get("stdout"));
    }
}
