package dev.cairn.policy.model;

/** A node-attribute expression: attribute, operation (eq, ne, lt, gt, lte, gte, defined, not_defined), value, type. */
public record ExprDef(String attribute, String operation, String value, String type) {}
