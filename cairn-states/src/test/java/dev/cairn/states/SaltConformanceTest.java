package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.Json;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.RunContext;
import dev.cairn.states.exec.RunOptions;
import dev.cairn.states.exec.RunReport;
import dev.cairn.states.exec.StateResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case in testdata/salt/cases (transcribed from Salt's own test suite) run through
 * the compiler and the ansible-mode executor, compared field by field as the case's mode says.
 * Cases we cannot support are listed with a reason in salt-unsupported.properties (printed).
 */
class SaltConformanceTest {
    static Path casesDir() {
        return dev.cairn.testkit.TestData.saltCases();
    }

    @TestFactory
    Stream<DynamicTest> saltCases() throws IOException {
        Path dir = casesDir();
        Properties unsupported = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/salt-unsupported.properties")) {
            if (in != null) unsupported.load(in);
        }
        System.out.println("Salt conformance: unsupported cases: " + (unsupported.isEmpty() ? "none" : unsupported));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no cases in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String reason = unsupported.getProperty(f.getFileName().toString());
            Assumptions.assumeTrue(reason == null, "unsupported: " + reason);
            runCase(f);
        }));
    }

    @SuppressWarnings("unchecked")
    static void runCase(Path file) throws IOException {
        Map<String, Object> c = Json.YAML.readValue(Files.readString(file), Map.class);
        Map<String, String> sls = new LinkedHashMap<>();
        if (c.get("sls") instanceof String s) sls.put("requisite", s);
        else ((Map<String, Object>) c.get("sls")).forEach((k, v) -> sls.put(k.replaceAll("\\.sls$", ""), (String) v));
        Map<String, Object> expected = (Map<String, Object>) c.get("expected");
        StateEngine engine = StateEngine.withBuiltins(new RunContext(Files.createTempDirectory("salt-case"), null, null, Map.of()));
        Compiler.Result compiled = engine.compile(n -> Optional.ofNullable(sls.get(n)), List.of("requisite"), Mode.ANSIBLE);
        if (expected.containsKey("compile_errors")) {
            assertEquals(expected.get("compile_errors"), compiled.errors(), "compile errors");
            return;
        }
        assertTrue(compiled.ok(), () -> "unexpected compile errors: " + compiled.errors());
        RunReport report = engine.run(compiled.plan(), RunOptions.defaults());
        Map<String, StateResult> byId = new LinkedHashMap<>();
        for (StateResult r : report.results()) byId.put(r.id(), r);
        String mode = String.valueOf(expected.get("mode"));
        if (expected.containsKey("order")) {
            List<String> order = new ArrayList<>();
            for (StateResult r : report.results()) order.add(r.id());
            assertEquals(expected.get("order"), order, "order by run_num");
        }
        Map<String, Map<String, Object>> states = (Map<String, Map<String, Object>>) expected.getOrDefault("states", Map.of());
        if (mode.equals("exact")) assertEquals(states.keySet(), byId.keySet(), "states in the run");
        for (Map.Entry<String, Map<String, Object>> e : states.entrySet()) {
            StateResult r = byId.get(e.getKey());
            assertNotNull(r, "state " + e.getKey() + " missing from " + byId.keySet());
            for (Map.Entry<String, Object> f : e.getValue().entrySet()) {
                String what = e.getKey() + "." + f.getKey();
                Object want = f.getValue();
                switch (f.getKey()) {
                    case "fun" -> assertEquals(want, r.module() + "." + r.function(), what);
                    case "name" -> assertEquals(want, r.name(), what);
                    case "run_num" -> assertEquals(want, r.runNum(), what);
                    case "result" -> assertEquals(want, r.result(), what + " (" + r.comment() + ")");
                    case "changes" -> assertEquals(want, !r.changes().isEmpty(), what + " " + r.changes());
                    case "comment" -> assertEquals(want, r.comment(), what);
                    case "comment_contains" -> assertTrue(r.comment().contains(String.valueOf(want)), what + ": " + r.comment());
                    case "changes_retcode" -> assertEquals(want, r.changes().get("retcode"), what);
                    case "changes_stdout" -> assertEquals(want, r.changes().get("stdout"), what);
                    case "changes_path" -> ((Map<String, Object>) want).forEach((path, v) -> {
                        Object cur = r.changes();
                        for (String p : path.split("\\.")) cur = cur instanceof Map<?, ?> m ? m.get(p) : null;
                        assertEquals(v, cur, what + "." + path);
                    });
                    default -> throw new AssertionError("unknown expectation field " + f.getKey() + " in " + file);
                }
            }
        }
        List<String> tags = report.results().stream().map(StateResult::tag).toList();
        for (Object t : (List<Object>) expected.getOrDefault("tags_present", List.of())) assertTrue(tags.contains(t), "tag " + t + " in " + tags);
        for (Object t : (List<Object>) expected.getOrDefault("tags_absent", List.of())) assertFalse(tags.contains(t), "tag " + t + " absent");
    }

    /** The harness itself must be able to fail: a case with a wrong expected order is rejected. */
    @org.junit.jupiter.api.Test
    void harnessRejectsAWrongExpectation() throws IOException {
        Path original = casesDir().resolve("29_prereq_basic_ordering.yaml");
        String text = read(original).replace("  order:\n  - B\n  - C\n", "  order:\n  - C\n  - B\n");
        Path mutated = Files.createTempFile("case", ".yaml");
        Files.writeString(mutated, text);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> runCase(mutated));
        Files.writeString(mutated, read(casesDir().resolve("15_tt_onchanges_target_failed.yaml")).replace("result: true", "result: false"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> runCase(mutated));
        Files.delete(mutated);
    }

    static String read(Path p) throws IOException { return Files.readString(p, StandardCharsets.UTF_8); }
}
