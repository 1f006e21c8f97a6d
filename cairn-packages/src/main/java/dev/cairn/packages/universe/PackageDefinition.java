package dev.cairn.packages.universe;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A Universe package's definition files, by name (package.json, config.json, resource.json,
 * marathon.json.mustache, command.json — whichever the package has), in that order.
 */
public record PackageDefinition(UniversePackage summary, Map<String, byte[]> files) {
    public static final java.util.List<String> FILE_NAMES =
            java.util.List.of("package.json", "config.json", "resource.json", "marathon.json.mustache", "command.json");

    public Optional<String> text(String file) {
        return Optional.ofNullable(files.get(file)).map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
