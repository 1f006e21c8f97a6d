package dev.cairn.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.packages.archive.PackageManifest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * A staged package as the instance subsystem reads it: Cairn's own format (package.yaml with
 * {@code options}, {@code instance}, {@code service}) or a Universe package (package.json,
 * config.json as the options schema, marathon.json.mustache, resource.json).
 */
public sealed interface AppPackage {
    String name();

    String version();

    Optional<JsonNode> optionsSchema();

    InstancePolicy policy();

    /** Reads a file of the package by its relative path; empty when absent. */
    @FunctionalInterface
    interface Files extends Function<String, Optional<byte[]>> {}

    record Cairn(PackageManifest manifest) implements AppPackage {
        public String name() { return manifest.name(); }

        public String version() { return manifest.version(); }

        public Optional<JsonNode> optionsSchema() { return manifest.options(); }

        public InstancePolicy policy() {
            return InstancePolicy.parse(manifest.instance().map(i -> i.path("policy").asText(null)).orElse(null));
        }
    }

    record Universe(String name, String version, JsonNode config, String marathonTemplate, JsonNode resource) implements AppPackage {
        public Optional<JsonNode> optionsSchema() { return Optional.ofNullable(config); }

        public InstancePolicy policy() { return InstancePolicy.MULTI; }
    }

    static AppPackage load(Files files) {
        Optional<byte[]> yaml = files.apply(PackageManifest.FILE_NAME);
        if (yaml.isPresent()) return new Cairn(PackageManifest.parse(yaml.get()));
        Optional<byte[]> pkg = files.apply("package.json");
        if (pkg.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "the staged package has neither package.yaml nor package.json",
                    "stage a Cairn or Universe package");
        }
        JsonNode p = Json.tree(pkg.get());
        String name = p.path("name").asText();
        String version = p.path("version").asText();
        JsonNode config = files.apply("config.json").map(Json::tree).orElse(null);
        String marathon = files.apply("marathon.json.mustache").map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        JsonNode resource = files.apply("resource.json").map(Json::tree).orElse(null);
        return new Universe(name, version, config, marathon, resource);
    }
}
