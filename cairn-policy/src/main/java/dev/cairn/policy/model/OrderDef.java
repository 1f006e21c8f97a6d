package dev.cairn.policy.model;

/** rsc_order: first's action before then's action. */
public record OrderDef(String id, String first, String firstAction, String then, String thenAction,
                       boolean mandatory, boolean symmetrical) {}
