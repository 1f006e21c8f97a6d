package dev.cairn.packages.universe;

/** A configured repository: its name ({@code [a-z0-9]+}) and URI. */
public record RepositoryConfig(String name, String uri) {}
