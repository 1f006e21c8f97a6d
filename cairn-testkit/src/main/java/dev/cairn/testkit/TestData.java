package dev.cairn.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The outside test suites kept in the repository's {@code testdata/} folder (Pacemaker scheduler
 * cases, Salt requisite cases, DC/OS Universe packages), found from the repository root whatever
 * the working directory. Missing data fails the test that asks for it: it never skips.
 */
public final class TestData {
    private TestData() {}

    /** The repository root: {@code -Dcairn.repo.root} (set by the build), else the nearest folder above the working directory that has {@code testdata/} and {@code mvnw}. */
    public static Path repoRoot() {
        String prop = System.getProperty("cairn.repo.root");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (isRoot(p)) return p;
            throw new IllegalStateException("-Dcairn.repo.root=" + prop + " is not the repository root (it has no testdata/ and mvnw)");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) return p;
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath()
                + " (a folder with testdata/ and mvnw); run the tests from the repository or set -Dcairn.repo.root");
    }

    private static boolean isRoot(Path p) {
        return Files.isDirectory(p.resolve("testdata")) && Files.isRegularFile(p.resolve("mvnw"));
    }

    /** {@code testdata/<first>/<more…>}, which must exist. */
    public static Path path(String first, String... more) {
        Path p = repoRoot().resolve("testdata").resolve(Path.of(first, more));
        if (!Files.exists(p)) {
            throw new IllegalStateException("test data " + p + " is missing: the repository's testdata/ folder is incomplete");
        }
        return p;
    }

    /** Pacemaker's scheduler regression cases ({@code xml/}, {@code summary/}). */
    public static Path pacemaker() { return path("pacemaker"); }

    /** Salt's requisite cases. */
    public static Path saltCases() { return path("salt", "cases"); }

    /** The DC/OS Universe snapshot ({@code repo/}, {@code index/}). */
    public static Path universe() { return path("universe"); }
}
