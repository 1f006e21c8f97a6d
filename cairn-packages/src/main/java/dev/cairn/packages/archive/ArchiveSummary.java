package dev.cairn.packages.archive;

import dev.cairn.packages.Coordinate;
import dev.cairn.packages.FileEntry;
import java.util.List;
import java.util.Optional;

/** What a valid package archive holds: which format, the package it is, and every file with its sha256. */
public record ArchiveSummary(Kind kind, Coordinate coordinate, Optional<PackageManifest> manifest, List<FileEntry> files, long totalBytes) {
    public enum Kind {
        /** Cairn's own format: a package.yaml at the root. */
        CAIRN,
        /** A Universe package zipped: package.json (and config.json, …) at the root. */
        UNIVERSE
    }
}
