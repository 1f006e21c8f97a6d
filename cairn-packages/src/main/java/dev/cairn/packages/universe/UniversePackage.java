package dev.cairn.packages.universe;

import java.util.List;

/**
 * One version of a package as a repository lists it. {@code revision} orders versions (the Universe
 * revision directory or the index's releaseVersion); higher is newer.
 */
public record UniversePackage(String repository, String name, String version, long revision, String description,
                              List<String> tags, String packagingVersion) {}
