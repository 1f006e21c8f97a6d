package dev.cairn.controller;

/** The build's version. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
