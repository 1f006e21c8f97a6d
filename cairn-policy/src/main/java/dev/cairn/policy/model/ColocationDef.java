package dev.cairn.policy.model;

/** rsc_colocation: {@code resource} (dependent) with {@code withResource} (primary). */
public record ColocationDef(String id, String resource, String withResource, int score, String nodeAttribute,
                            Boolean influence) {}
