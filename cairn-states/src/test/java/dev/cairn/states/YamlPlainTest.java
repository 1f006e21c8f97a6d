package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.states.compile.YamlAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** SLS YAML read without SafeConstructor gives exactly SafeConstructor's values, or is left to it. */
class YamlPlainTest {
    /** Values, their classes and map order, as one comparable string. */
    static String shape(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder(v.getClass().getSimpleName()).append('{');
            m.forEach((k, x) -> b.append(shape(k)).append('=').append(shape(x)).append(','));
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder(v.getClass().getSimpleName()).append('[');
            for (Object x : l) b.append(shape(x)).append(',');
            return b.append(']').toString();
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    private static void same(String text) {
        Object plain = YamlAccess.loadPlain(text);
        assertNotSame(YamlAccess.NOT_PLAIN, plain, "expected the plain path for:\n" + text);
        assertEquals(shape(YamlAccess.loadWithSafeConstructor(text)), shape(plain), text);
    }

    @Test
    void plainDocumentsMatchSafeConstructor() {
        same("""
                true_1:
                  cmd.run:
                    - name: /bin/true
                file_1:
                  file.managed:
                    - name: /tmp/f1.txt
                    - contents: "small file 1"
                    - mode: 0644
                    - makedirs: True
                    - replace: no
                    - timeout: 1.5
                    - retries: -3
                    - big: 123456789
                    - neg: -0.25e3
                    - plus: +7
                    - zero: 0
                    - minuszero: -0
                    - date: 2024-01-02
                    - empty:
                    - tilde: ~
                    - Null: Null
                    - onoff: [on, Off, YES, n, y]
                    - quoted: "True"
                    - flow: {a: 1, b: [x, 'y', "z"]}
                    - block: |
                        line one
                        line two
                """);
        same("a: &anchor [1, 2]\nb: *anchor\n");
        same("{}");
        same("[]");
        same("just a string");
        same("~");
        same("1: one\n'1': string one\nnull: n\n");
        same("a: !!str 1\nb: !!int '2'\nc: !!bool maybe\n");
        Object shared = YamlAccess.loadPlain("a: &x {k: v}\nb: *x\n");
        assertSame(((Map<?, ?>) shared).get("a"), ((Map<?, ?>) shared).get("b"), "an alias is the same object, as SafeConstructor makes it");
    }

    @Test
    void otherDocumentsAreLeftToSafeConstructor() {
        for (String text : List.of(
                "a: !!binary aGk=\n",
                "a: !!set {x, y}\n",
                "a: !custom x\n",
                "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
                "a: 1\na: 2\n",
                "[1, 2]: complex key\n",
                "a: 0x1F\n",
                "a: 1_000\n",
                "a: 0b101\n",
                "a: 12345678901\n",
                "a: &r [*r]\n")) {
            assertSame(YamlAccess.NOT_PLAIN, YamlAccess.loadPlain(text), text);
        }
        assertEquals(shape(YamlAccess.loadWithSafeConstructor("a: 1\na: 2\n")), shape(dev.cairn.states.compile.Yaml.load("a: 1\na: 2\n")));
        assertEquals("{a=31, b=1000}", dev.cairn.states.compile.Yaml.load("a: 0x1F\nb: 1_000\n").toString());
        assertThrows(RuntimeException.class, () -> dev.cairn.states.compile.Yaml.load("a: [1, 2\n"));
        assertThrows(RuntimeException.class, () -> dev.cairn.states.compile.Yaml.load("a: !custom x\n"));
    }

    @Test
    void everySlsOfTheSaltCasesMatchesSafeConstructor() throws IOException {
        Path dir = SaltConformanceTest.casesDir();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            String c = Files.readString(f);
            texts.add(c);
            if (YamlAccess.loadWithSafeConstructor(c) instanceof Map<?, ?> m && m.get("sls") instanceof Map<?, ?> sls) {
                for (Object t : sls.values()) texts.add(String.valueOf(t));
            }
        }
        assertTrue(texts.size() > files.size(), "SLS texts in " + dir);
        int plain = 0;
        for (String t : texts) {
            Object v = YamlAccess.loadPlain(t);
            if (v != YamlAccess.NOT_PLAIN) plain++;
            assertEquals(shape(YamlAccess.loadWithSafeConstructor(t)), shape(dev.cairn.states.compile.Yaml.load(t)), t);
        }
        assertTrue(plain > texts.size() / 2, plain + " of " + texts.size() + " read without SafeConstructor");
    }
}
