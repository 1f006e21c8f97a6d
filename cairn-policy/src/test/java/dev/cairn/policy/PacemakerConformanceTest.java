package dev.cairn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.output.SimulateFormatter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Pacemaker's own scheduler regression cases (testdata/pacemaker): our Transition Summary
 * and Revised Cluster Status must equal crm_simulate's expected output, ignoring whitespace.
 * Cases listed in pacemaker-unsupported.txt are printed with their reason and skipped.
 */
class PacemakerConformanceTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Path caseDir() {
        return dev.cairn.testkit.TestData.pacemaker();
    }

    static Map<String, String> unsupported() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = PacemakerConformanceTest.class.getResourceAsStream("/pacemaker-unsupported.txt")) {
            if (in == null) return out;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                int colon = line.indexOf(':');
                out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    static String section(String text, String start, String... ends) {
        int i = text.indexOf(start);
        if (i < 0) return null;
        int from = i + start.length();
        int to = text.length();
        for (String e : ends) {
            int j = text.indexOf(e, from);
            if (j >= 0 && j < to) to = j;
        }
        return text.substring(from, to);
    }

    static String squash(String s) {
        return s == null ? null : s.replaceAll("\\s+", "");
    }

    @TestFactory
    Stream<DynamicTest> pacemakerCases() throws IOException {
        Path dir = caseDir();
        assertTrue(Files.isDirectory(dir.resolve("xml")), "missing test data at " + dir);
        Map<String, String> skip = unsupported();
        List<Path> xmls;
        try (Stream<Path> s = Files.list(dir.resolve("xml"))) {
            xmls = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        assertEquals(62, xmls.size(), "expected the 62 selected cases");
        skip.forEach((k, v) -> System.out.println("UNSUPPORTED pacemaker case " + k + ": " + v));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path xml : xmls) {
            String name = xml.getFileName().toString().replace(".xml", "");
            if (skip.containsKey(name)) continue;
            tests.add(DynamicTest.dynamicTest(name, () -> check(dir, name)));
        }
        return tests.stream();
    }

    static void check(Path dir, String name) throws IOException {
        String expected = Files.readString(dir.resolve("summary/" + name + ".summary"));
        Simulation sim = PolicyScheduler.simulate(CibReader.read(dir.resolve("xml/" + name + ".xml")), NOW, false);
        String actual = SimulateFormatter.format(sim, false);
        String expTs = section(expected, "Transition Summary:", "Executing Cluster Transition:", "Revised Cluster Status:");
        String actTs = section(actual, "Transition Summary:", "Executing Cluster Transition:", "Revised Cluster Status:");
        String expRev = section(expected, "Revised Cluster Status:");
        String actRev = section(actual, "Revised Cluster Status:");
        if (!squash(expTs).equals(squash(actTs)) || !squash(expRev).equals(squash(actRev))) {
            assertEquals("Transition Summary:" + expTs + "Revised Cluster Status:" + expRev,
                    "Transition Summary:" + actTs + "Revised Cluster Status:" + actRev, name);
        }
    }
}
