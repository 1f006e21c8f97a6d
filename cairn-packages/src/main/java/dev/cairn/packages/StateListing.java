package dev.cairn.packages;

import java.util.List;

/** {@code {"packages":[…]}}: every package that is not simply Not Installed, by coordinate. */
public record StateListing(List<PackageStatus> packages) {}
