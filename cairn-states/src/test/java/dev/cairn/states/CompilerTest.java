package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.states.compile.Chunk;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.compile.Plan;
import dev.cairn.states.compile.ReqType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure compiler: errors, references, ordering, genius knowledge. */
class CompilerTest {
    static List<String> order(Plan p) {
        List<String> ids = new ArrayList<>();
        for (int n : p.order()) if (!p.nodes().get(n).prereqCheck()) ids.add(p.chunkOf(n).id());
        return ids;
    }

    @Test
    void definitionOrderSeveralStatesPerIdAndNames() {
        Compiler.Result r = Sls.compile("""
                z:
                  test.nop: []
                a:
                  cmd.run:
                    - names:
                      - echo one
                      - echo two
                  test.succeed_without_changes: []
                """, Mode.ANSIBLE);
        assertTrue(r.ok(), r.errors()::toString);
        List<String> names = new ArrayList<>();
        for (int n : r.plan().order()) names.add(r.plan().chunkOf(n).fullName() + ":" + r.plan().chunkOf(n).name());
        assertEquals(List.of("test.nop:z", "cmd.run:echo one", "cmd.run:echo two", "test.succeed_without_changes:a"), names);
    }

    @Test
    void orderNumbersFirstAndLast() {
        Compiler.Result r = Sls.compile("""
                a: {test.nop: [{order: last}]}
                b: {test.nop: [{order: 5}]}
                c: {test.nop: []}
                d: {test.nop: [{order: first}]}
                e: {test.nop: [{order: -1}]}
                """, Mode.ANSIBLE);
        assertTrue(r.ok(), r.errors()::toString);
        assertEquals(List.of("d", "b", "c", "e", "a"), order(r.plan()));
    }

    @Test
    void referencesByNameWithoutModuleSlsAndGlob() {
        Compiler.Result r = Sls.compile("""
                web-1: {test.nop: []}
                web-2: {test.nop: []}
                cfg:
                  file.absent:
                    - name: /tmp/cairn-nonexistent-x
                last:
                  test.nop:
                    - require:
                      - web-*
                      - /tmp/cairn-nonexistent-x
                      - sls: s
                """, Mode.ANSIBLE);
        assertTrue(r.ok(), r.errors()::toString);
        Plan p = r.plan();
        int last = 3;
        long requires = p.edges().stream().filter(e -> e.to() == last && e.type() == ReqType.REQUIRE).count();
        assertEquals(3, requires, p.edges().toString());
    }

    @Test
    void unknownModuleAndFunctionAreCompileErrors() {
        Compiler.Result r = Sls.compile("""
                a: {nosuch.thing: []}
                b: {cmd.walk: []}
                """, Mode.ANSIBLE);
        assertEquals(2, r.errors().size(), r.errors()::toString);
        assertTrue(r.errors().get(0).contains("nosuch.thing") && r.errors().get(0).contains("'a'"));
        assertTrue(r.errors().get(1).contains("has no function 'walk'"));
    }

    @Test
    void requisiteNotAListAndMissingTargetNameStateRequisiteAndTarget() {
        Compiler.Result r = Sls.compile("""
                a:
                  test.nop:
                    - onchanges:
                        test: b
                """, Mode.ANSIBLE);
        assertEquals(List.of("The onchanges statement in state 'a' in SLS 's' needs to be formed as a list"), r.errors());
        r = Sls.compile("""
                a:
                  test.nop:
                    - watch:
                      - cmd: ghost
                """, Mode.JUSTDOIT);
        assertEquals(List.of("Referenced state does not exist for requisite [watch: (cmd: ghost)] in state [a] in SLS [s]"), r.errors());
    }

    @Test
    void cycleRejected() {
        Compiler.Result r = Sls.compile("""
                a: {test.nop: [{onchanges: [b]}]}
                b: {test.nop: [{require: [a]}]}
                """, Mode.GENIUS);
        assertFalse(r.ok());
        assertTrue(r.errors().get(0).startsWith("Recursive requisites were found: "), r.errors().get(0));
    }

    @Test
    void outputReferenceImpliesRequireAndUnknownIdIsAnError() {
        Compiler.Result r = Sls.compile("""
                use:
                  cmd.run:
                    - name: "echo {{ states.make.stdout }} {{states.make.changes.retcode}}"
                make:
                  cmd.run:
                    - name: echo made
                """, Mode.ANSIBLE);
        assertTrue(r.ok(), r.errors()::toString);
        assertEquals(List.of("make", "use"), order(r.plan()));
        assertTrue(r.plan().edges().contains(new Plan.Edge(1, 0, ReqType.REQUIRE)));
        r = Sls.compile("use: {cmd.run: [{name: 'echo {{ states.nothere.stdout }}'}]}", Mode.ANSIBLE);
        assertEquals(List.of("Output reference '{{ states.nothere.stdout }}' in state [echo {{ states.nothere.stdout }}] in SLS [s] names no state with ID 'nothere'"),
                r.errors());
        r = Sls.compile("use: {cmd.run: [{name: 'echo {{ states.use.bogus }}'}]}", Mode.ANSIBLE);
        assertTrue(r.errors().get(0).contains("unknown field 'bogus'"), r.errors()::toString);
    }

    @Test
    void geniusOrdersRepoPackageFileServiceAndExplains() {
        String sls = """
                svc: {service.running: [{command: sleep 100}]}
                conf: {file.managed: [{name: /tmp/cairn-genius/x.conf}, {contents: x}]}
                pkg: {pkg.installed: [{name: sl}]}
                repo: {pkgrepo.managed: [{name: deb http://example.invalid/ stable main}]}
                """;
        Compiler.Result r = Sls.compile(sls, Mode.GENIUS);
        assertTrue(r.ok(), r.errors()::toString);
        Plan p = r.plan();
        assertEquals(3, p.edges().stream().filter(e -> e.type() == ReqType.KNOWLEDGE).count(), p.edges().toString());
        assertTrue(p.explanations().contains("genius: pkgrepo.managed 'repo' before pkg.installed 'pkg' (repositories before packages)"), p.explanations()::toString);
        assertTrue(p.explanations().stream().anyMatch(x -> x.contains("file.managed 'conf' before service.running 'svc'")));
        Compiler.Result plain = Sls.compile(sls, Mode.JUSTDOIT);
        assertTrue(plain.plan().edges().isEmpty());
        assertTrue(plain.plan().explanations().isEmpty());
    }

    @Test
    void geniusDoesNotContradictDeclaredRequisites() {
        Compiler.Result r = Sls.compile("""
                conf: {file.managed: [{name: /tmp/cairn-genius/y.conf}, {contents: x}, {require: [svc]}]}
                svc: {service.running: [{command: sleep 100}]}
                """, Mode.GENIUS);
        assertTrue(r.ok(), r.errors()::toString);
        assertTrue(r.plan().explanations().get(0).startsWith("genius: not ordering file.managed 'conf' before service.running 'svc'"));
    }

    @Test
    void compilerIsDeterministicAndDoesNotMutateItsInput() {
        String sls = """
                a: {test.nop: [{require_in: [b]}]}
                b: {test.nop: [{prereq: [c]}]}
                c: {test.nop: []}
                """;
        Plan p1 = Sls.compile(sls, Mode.ANSIBLE).plan();
        Plan p2 = Sls.compile(sls, Mode.ANSIBLE).plan();
        assertEquals(p1, p2);
        for (Chunk c : p1.chunks()) assertFalse(c.args().containsKey("require_in"));
    }
}
