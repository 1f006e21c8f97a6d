package dev.cairn.packages;

/**
 * The package metadata an operation carries: the coordinate and, for a Universe Install, the
 * repository it comes from (null otherwise). Small on purpose: payloads live in storage.
 */
public record PackageRef(String name, String version, String repository) {
    public Coordinate coordinate() { return new Coordinate(name, version); }

    public static PackageRef of(Coordinate c, String repository) {
        return new PackageRef(c.name(), c.version(), repository);
    }
}
