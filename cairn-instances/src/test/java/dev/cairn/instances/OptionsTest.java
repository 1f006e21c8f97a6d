package dev.cairn.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Defaults, deep merge, hostile values and validation messages on small schemas. */
class OptionsTest {
    static JsonNode json(String s) {
        return Json.tree(s.getBytes(StandardCharsets.UTF_8));
    }

    static final JsonNode HELLO = json("""
            {"type":"object","properties":{
              "port":{"type":"integer","default":18080,"minimum":1024,"maximum":65535,"description":"TCP port to listen on"},
              "greeting":{"type":"string","default":"hello"},
              "tls":{"type":"object","properties":{"enabled":{"type":"boolean","default":false},"ciphers":{"type":"array","default":["a","b"]}}},
              "empty":{"type":"object","properties":{"x":{"type":"string"}}}}}
            """);

    @Test
    void defaultsNestThroughPropertiesAndSkipObjectsWithoutAny() {
        JsonNode d = Options.defaults(HELLO);
        assertEquals(json("{\"port\":18080,\"greeting\":\"hello\",\"tls\":{\"enabled\":false,\"ciphers\":[\"a\",\"b\"]}}"), d);
        assertNull(Options.defaults(json("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}")));
    }

    @Test
    void explicitObjectDefaultMergesWithNestedDefaultsExplicitWinning() {
        JsonNode s = json("{\"type\":\"object\",\"default\":{\"a\":1},\"properties\":{\"a\":{\"default\":2},\"b\":{\"default\":3}}}");
        assertEquals(json("{\"a\":1,\"b\":3}"), Options.defaults(s));
    }

    @Test
    void deepMergeObjectsMergeUserScalarsAndArraysWin() {
        JsonNode merged = Options.merge(Options.defaults(HELLO), json("{\"tls\":{\"ciphers\":[\"z\"]},\"greeting\":\"hi\"}"));
        assertEquals(json("{\"port\":18080,\"greeting\":\"hi\",\"tls\":{\"enabled\":false,\"ciphers\":[\"z\"]}}"), merged);
        // arrays are replaced, not concatenated; an object over a scalar replaces it
        assertEquals(json("{\"a\":{\"b\":1}}"), Options.merge(json("{\"a\":5}"), json("{\"a\":{\"b\":1}}")));
        assertEquals(json("{\"a\":[3]}"), Options.merge(json("{\"a\":[1,2]}"), json("{\"a\":[3]}")));
    }

    @Test
    void resolveFillsDefaultsAndValidates() {
        JsonNode r = Options.resolve("hello", Optional.of(HELLO), Optional.of(json("{\"port\":20000}")));
        assertEquals(20000, r.path("port").asInt());
        assertEquals("hello", r.path("greeting").asText());
    }

    @Test
    void everyViolationIsReportedWithPathAndDescription() {
        CairnException e = assertThrows(CairnException.class, () -> Options.resolve("hello", Optional.of(HELLO),
                Optional.of(json("{\"port\":80,\"greeting\":7,\"tls\":{\"enabled\":\"yes\"}}"))));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        String m = e.getMessage();
        assertTrue(m.contains("(3 problems)"), m);
        assertTrue(m.contains("$.port is 80, less than the minimum 1024 — TCP port to listen on"), m);
        assertTrue(m.contains("$.greeting is 7, but must be a string"), m);
        assertTrue(m.contains("$.tls.enabled is the string \"yes\", but must be a boolean"), m);
        assertFalse(m.contains("\n"));
    }

    @Test
    void optionsForAPackageWithoutSchemaAreAnError() {
        CairnException e = assertThrows(CairnException.class, () -> Options.resolve("plain", Optional.empty(), Optional.of(json("{\"a\":1}"))));
        assertTrue(e.getMessage().contains("declares no options"), e.getMessage());
        assertEquals(0, Options.resolve("plain", Optional.empty(), Optional.empty()).size());
        assertThrows(CairnException.class, () -> Options.resolve("hello", Optional.of(HELLO), Optional.of(json("[1]"))));
    }

    @Test
    void templateInjectionAndControlCharactersAreRefused() {
        List<Violation> v = Options.hostile(json("{\"greeting\":\"{{cairn.instance.home}}\",\"a\":{\"b\":[\"ok\",\"x\\ny\"]},\"c\":\"}}\",\"cairn\":{}}"));
        List<String> paths = v.stream().map(Violation::path).toList();
        assertTrue(paths.containsAll(List.of("$.greeting", "$.a.b[1]", "$.c", "$.cairn")), v.toString());
        CairnException e = assertThrows(CairnException.class, () -> Options.resolve("hello", Optional.of(HELLO),
                Optional.of(json("{\"greeting\":\"{{#cairn}}{{instance.home}}{{/cairn}}\"}"))));
        assertTrue(e.getMessage().contains("$.greeting contains a template tag"), e.getMessage());
        assertTrue(Options.hostile(json("{\"greeting\":\"tabs\\tare fine, so are 'quotes' and $dollars\"}")).isEmpty());
        List<Violation> keys = Options.hostile(json("{\"{{x}}\":1}"));
        assertEquals("$['{{x}}'] has a name that contains a template tag ('{{' or '}}'): option values are data, never templates", keys.get(0).text());
    }

    @Test
    void nestingIsBounded() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        assertFalse(Options.hostile(json(deep)).isEmpty());
    }
}
