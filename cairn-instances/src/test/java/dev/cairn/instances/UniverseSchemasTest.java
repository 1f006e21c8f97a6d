package dev.cairn.instances;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Options errors and rendering on real Universe packages (kafka, hdfs, jenkins from
 * testdata/universe): defaults validate, bad options are reported with the path and the
 * schema's description, and marathon.json renders into valid JSON.
 */
class UniverseSchemasTest {
    static Path pkg(String letter, String name, String rev) {
        return dev.cairn.testkit.TestData.universe().resolve("repo/packages")
                .resolve(letter).resolve(name).resolve(rev).normalize();
    }

    static final Path KAFKA = pkg("K", "kafka", "1200");
    static final Path HDFS = pkg("H", "hdfs", "800");
    static final Path JENKINS = pkg("J", "jenkins", "200");

    static AppPackage.Universe load(Path dir) {
        return (AppPackage.Universe) AppPackage.load(p -> {
            try {
                Path f = dir.resolve(p);
                return Files.exists(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    static String problems(AppPackage.Universe u, String options) {
        CairnException e = assertThrows(CairnException.class,
                () -> Options.resolve(u.name(), u.optionsSchema(), Optional.of(OptionsTest.json(options))));
        return e.getMessage();
    }

    static InstanceRef ref(String app) {
        return new InstanceRef(app, "1", "shared", "i1", "apps", "/srv/apps/shared/" + app + "/i1", "/srv/cairn/shared/" + app + "/stage/1");
    }

    @Test
    void defaultsOfAllThreeAreValid() {
        for (Path p : List.of(KAFKA, HDFS, JENKINS)) {
            AppPackage.Universe u = load(p);
            ObjectNode o = Options.resolve(u.name(), u.optionsSchema(), Optional.empty());
            assertTrue(o.size() > 0, p.toString());
        }
    }

    @Test
    void kafkaErrorsNamePathAndDescription() {
        AppPackage.Universe kafka = load(KAFKA);
        String m = problems(kafka, "{\"brokers\":{\"count\":\"3\",\"cpus\":\"lots\"},\"kafka\":{\"no_such_setting\":1},"
                + "\"service\":{\"log_level\":\"LOUD\"}}");
        String countDesc = kafka.config().path("properties").path("brokers").path("properties").path("count").path("description").asText();
        assertTrue(m.contains("$.brokers.count is the string \"3\", but must be a number — " + Violation.oneLine(countDesc)), m);
        assertTrue(m.contains("$.brokers.cpus is the string \"lots\", but must be a number"), m);
        assertTrue(m.contains("$.kafka.no_such_setting is not a known option here"), m);
        assertTrue(m.contains("$.service.log_level is the string \"LOUD\", not one of"), m);
    }

    @Test
    void kafkaSecurityCombinationTheSchemaForbids() {
        AppPackage.Universe kafka = load(KAFKA);
        String m = problems(kafka, "{\"service\":{\"security\":{\"transport_encryption\":{\"enabled\":false},"
                + "\"ssl_authentication\":{\"enabled\":true}}}}");
        assertTrue(m.contains("$.service.security is a combination the schema forbids"), m);
    }

    @Test
    void hdfsAndJenkinsErrors() {
        AppPackage.Universe hdfs = load(HDFS);
        JsonNode nn = hdfs.config().path("properties").path("name_node").path("properties");
        String field = nn.path("cpus").isMissingNode() ? nn.fieldNames().next() : "cpus";
        String m = problems(hdfs, "{\"name_node\":{\"" + field + "\":\"many\"}}");
        assertTrue(m.contains("$.name_node." + field + " is the string \"many\", but must be"), m);
        String desc = nn.path(field).path("description").asText("");
        if (!desc.isEmpty()) assertTrue(m.contains(Violation.oneLine(desc)), m);

        AppPackage.Universe jenkins = load(JENKINS);
        m = problems(jenkins, "{\"jenkins-master\":{\"mem\":1024},\"service\":{\"name\":\"-bad-\",\"containerizer\":\"RKT\"}}");
        assertTrue(m.contains("$.jenkins-master.mem is 1024, less than the minimum 2048.0 — Memory (in MB) to allocate to each Jenkins master."), m);
        assertTrue(m.contains("$.service.name is \"-bad-\", which does not match the pattern"), m);
        assertTrue(m.contains("$.service.containerizer is the string \"RKT\", not one of [\"MESOS\",\"DOCKER\"] — The containerizer used to deploy the Jenkins master."), m);
    }

    @Test
    void kafkaRendersToAServiceCommand() {
        AppPackage.Universe kafka = load(KAFKA);
        ObjectNode o = Options.resolve("kafka", kafka.optionsSchema(), Optional.of(OptionsTest.json("{\"service\":{\"name\":\"events\"}}")));
        RenderedInstance r = InstanceRenderer.render(kafka, ref("kafka"), o, p -> Optional.empty());
        assertTrue(r.service().isPresent(), String.valueOf(r.notRunnable()));
        assertEquals(List.of("/bin/sh", "-c"), r.service().get().command().subList(0, 2));
        assertTrue(r.service().get().command().get(2).contains("kafka-scheduler"));
        assertEquals("events", r.service().get().env().get("FRAMEWORK_NAME"));
        // the placement constraint default holds quotes: it must come out as a JSON string, intact
        assertEquals("[[\"hostname\", \"MAX_PER\", \"1\"]]", r.service().get().env().get("PLACEMENT_CONSTRAINTS"));
        JsonNode marathon = Json.tree(r.files().get(0).content());
        assertEquals("events", marathon.path("id").asText());
        assertEquals("marathon.json", r.files().get(0).path());
    }

    @Test
    void jenkinsRendersButCannotRunHere() {
        AppPackage.Universe jenkins = load(JENKINS);
        ObjectNode o = Options.resolve("jenkins", jenkins.optionsSchema(), Optional.empty());
        RenderedInstance r = InstanceRenderer.render(jenkins, ref("jenkins"), o, p -> Optional.empty());
        assertTrue(r.service().isEmpty());
        assertTrue(r.notRunnable().contains("has no 'cmd'"), r.notRunnable());
        assertEquals(4096.0, Json.tree(r.files().get(0).content()).path("mem").asDouble());
    }

    @Test
    void aQuoteInAnOptionCannotBreakOutOfItsJsonString() {
        AppPackage.Universe jenkins = load(JENKINS);
        ObjectNode o = Options.resolve("jenkins", jenkins.optionsSchema(),
                Optional.of(OptionsTest.json("{\"jenkins-master\":{\"jvm-opts\":\"-Xmx1g\\\", \\\"cmd\\\": \\\"rm -rf /\"}}")));
        RenderedInstance r = InstanceRenderer.render(jenkins, ref("jenkins"), o, p -> Optional.empty());
        JsonNode m = Json.tree(r.files().get(0).content());
        assertTrue(m.path("cmd").isMissingNode(), "no injected cmd");
        assertEquals("-Xmx1g\", \"cmd\": \"rm -rf /", m.path("env").path("JVM_OPTS").asText());
    }
}
