package dev.cairn.packages;

/**
 * How much of a package is in storage: nothing, some files, or everything — ALL only when the
 * completion marker (written last) is present and consistent with the files.
 */
public enum Completeness { NONE, SOME, ALL }
