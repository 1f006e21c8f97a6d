package dev.cairn.instances;

/**
 * Who an instance is and where it lives, as the templates see it ({@code cairn.instance.*},
 * {@code cairn.package.*}): absolute home and stage directories as strings.
 */
public record InstanceRef(String app, String version, String role, String id, String basedir, String home, String stage) {
    public InstanceNames.Key key() { return new InstanceNames.Key(role, id); }
}
