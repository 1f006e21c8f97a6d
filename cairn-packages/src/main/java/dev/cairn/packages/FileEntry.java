package dev.cairn.packages;

/** One file of an installed package: its path below {@code packages/<name>/<version>/}, size and sha256. */
public record FileEntry(String path, long size, String sha256) {}
