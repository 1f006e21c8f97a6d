package dev.cairn.packages.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.packages.Coordinate;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Cairn's own package manifest, {@code package.yaml}: {@code name}, {@code version} and
 * {@code description} are required; {@code options} (a JSON Schema), {@code instance} and
 * {@code service} (issue 8) are checked for shape and kept as written for the instance subsystem.
 * {@code raw} is the whole document, unknown keys included.
 */
public record PackageManifest(String name, String version, String description, Optional<JsonNode> options,
                              Optional<JsonNode> instance, Optional<JsonNode> service, JsonNode raw) {
    public static final String FILE_NAME = "package.yaml";
    static final Set<String> POLICIES = Set.of("multi", "one-per-role", "one-per-cluster");

    public Coordinate coordinate() { return new Coordinate(name, version); }

    public static PackageManifest parse(byte[] yaml) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(yaml);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw invalid("is not valid YAML: " + m, "check the syntax of package.yaml");
        }
        if (!(root instanceof ObjectNode)) throw invalid("must be a mapping with name, version and description", null);
        String name = requiredText(root, "name");
        String version = requiredText(root, "version");
        String description = requiredText(root, "description");
        Coordinate c;
        try {
            // our own archives keep to [a-z0-9]+; hyphens are for Universe package names only
            Names.requireSimple("package name", name);
            c = new Coordinate(name, version);
        } catch (CairnException e) {
            throw new CairnException(e.code(), "package.yaml: " + e.getMessage(), e.hint());
        }
        Optional<JsonNode> options = Optional.ofNullable(root.get("options"));
        options.ifPresent(o -> {
            if (!o.isObject()) throw invalid("'options' must be a JSON Schema object", "e.g. options: {type: object, properties: {...}}");
        });
        Optional<JsonNode> instance = Optional.ofNullable(root.get("instance"));
        instance.ifPresent(PackageManifest::checkInstance);
        Optional<JsonNode> service = Optional.ofNullable(root.get("service"));
        service.ifPresent(s -> {
            if (!s.isObject()) throw invalid("'service' must be a mapping", "e.g. service: {command: [...]}");
            JsonNode cmd = s.get("command");
            if (cmd != null && !(cmd.isArray() || cmd.isTextual())) throw invalid("'service.command' must be a list or a string", null);
        });
        return new PackageManifest(c.name(), c.version(), description, options, instance, service, root);
    }

    private static void checkInstance(JsonNode i) {
        if (!i.isObject()) throw invalid("'instance' must be a mapping", null);
        JsonNode policy = i.get("policy");
        if (policy != null && !POLICIES.contains(policy.asText())) {
            throw invalid("'instance.policy' is '" + policy.asText() + "', not one of " + POLICIES, null);
        }
        JsonNode config = i.get("config");
        if (config != null) {
            if (!config.isArray()) throw invalid("'instance.config' must be a list of {template, path}", null);
            for (JsonNode c : config) {
                if (!c.path("template").isTextual() || !c.path("path").isTextual()) {
                    throw invalid("every 'instance.config' item needs 'template' and 'path'", null);
                }
            }
        }
        JsonNode states = i.get("states");
        if (states != null && !states.isTextual()) throw invalid("'instance.states' must be a path", null);
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull() || n.isContainerNode() || n.asText().isBlank()) {
            throw invalid("is missing '" + field + "'", "package.yaml needs at least name, version and description");
        }
        return n.asText();
    }

    private static CairnException invalid(String what, String hint) {
        return new CairnException(ErrorCode.INVALID_INPUT, "package.yaml " + what,
                hint == null ? "see docs/packages.md for the manifest format" : hint);
    }
}
