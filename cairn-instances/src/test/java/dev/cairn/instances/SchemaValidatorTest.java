package dev.cairn.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keywords one by one. */
class SchemaValidatorTest {
    static JsonNode j(String s) {
        return OptionsTest.json(s);
    }

    static List<String> errors(String schema, String doc) {
        return SchemaValidator.validate(j(schema), j(doc)).stream().map(Violation::text).toList();
    }

    @Test
    void typesIncludingIntegralNumbersAndUnions() {
        assertTrue(errors("{\"type\":\"integer\"}", "3").isEmpty());
        assertTrue(errors("{\"type\":\"integer\"}", "3.0").isEmpty());
        assertEquals(List.of("$ is 3.5, but must be an integer"), errors("{\"type\":\"integer\"}", "3.5"));
        assertTrue(errors("{\"type\":[\"string\",\"null\"]}", "null").isEmpty());
        assertEquals(1, errors("{\"type\":[\"string\",\"null\"]}", "1").size());
        assertTrue(errors("{\"type\":\"number\"}", "1").isEmpty());
    }

    @Test
    void stringsNumbersEnums() {
        assertEquals(1, errors("{\"pattern\":\"^[a-z]+$\"}", "\"A1\"").size());
        assertTrue(errors("{\"pattern\":\"[a-z]\"}", "\"A1b\"").isEmpty(), "patterns search, as JSON Schema says");
        assertEquals(2, errors("{\"minLength\":3,\"maxLength\":1}", "\"ab\"").size());
        assertEquals(1, errors("{\"minimum\":1,\"exclusiveMinimum\":true}", "1").size());
        assertEquals(1, errors("{\"exclusiveMaximum\":10}", "10").size());
        assertEquals(1, errors("{\"multipleOf\":5}", "12").size());
        assertTrue(errors("{\"enum\":[1,2]}", "2.0").isEmpty());
        assertEquals(List.of("$ is the string \"c\", not one of [\"a\",\"b\"]"), errors("{\"enum\":[\"a\",\"b\"]}", "\"c\""));
        assertEquals(1, errors("{\"const\":true}", "false").size());
    }

    @Test
    void objectsRequiredAdditionalDependencies() {
        String s = """
                {"type":"object","required":["a"],"additionalProperties":false,
                 "properties":{"a":{"description":"the a"},"b":{}},
                 "dependencies":{"b":["c"]}}""";
        List<String> e = errors(s, "{\"b\":1,\"z\":2}");
        assertTrue(e.contains("$.a is required but missing — the a"), e.toString());
        assertTrue(e.stream().anyMatch(x -> x.startsWith("$.z is not a known option here (known: a, b)")), e.toString());
        assertTrue(e.contains("$.c is required when b is set"), e.toString());
        assertTrue(errors("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"x\":1}").isEmpty());
        assertEquals(1, errors("{\"patternProperties\":{\"^n_\":{\"type\":\"integer\"}}}", "{\"n_a\":\"x\",\"o\":\"x\"}").size());
    }

    @Test
    void arrays() {
        assertEquals(List.of("$[1] is the string \"x\", but must be an integer"), errors("{\"items\":{\"type\":\"integer\"}}", "[1,\"x\"]"));
        assertEquals(1, errors("{\"uniqueItems\":true}", "[1,1.0]").size());
        assertEquals(2, errors("{\"minItems\":3,\"maxItems\":1}", "[1,2]").size());
        assertEquals(1, errors("{\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}", "[\"a\",1]").size());
    }

    @Test
    void combinators() {
        String oneOf = "{\"oneOf\":[{\"properties\":{\"e\":{\"enum\":[false]}}},{\"properties\":{\"e\":{\"enum\":[true]}},\"required\":[\"k\"]}]}";
        assertTrue(errors(oneOf, "{\"e\":false}").isEmpty());
        List<String> e = errors(oneOf, "{\"e\":true}");
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("$ matches none of the 2 allowed forms (closest: $."), e.toString());
        assertTrue(errors("{\"oneOf\":[{},{}]}", "1").get(0).contains("exactly one"));
        assertEquals(1, errors("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"boolean\"}]}", "1").size());
        assertEquals(2, errors("{\"allOf\":[{\"type\":\"string\"},{\"minimum\":5}]}", "1").size());
        assertTrue(errors("{\"not\":{\"type\":\"string\"}}", "\"x\"").get(0).contains("forbids"));
        assertEquals(1, errors("{\"properties\":{\"x\":false}}", "{\"x\":1}").size());
    }
}
