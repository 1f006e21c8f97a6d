package dev.cairn.packages;

/**
 * One line of Show System State, as {@code cairn package state --json} prints it: Table 1's row
 * ({@code #}) and State text, the queued operation (UNIVERSE_INSTALL / CLI_INSTALL / UNINSTALL or
 * null), the error message or null, and storage completeness (NONE / SOME / ALL).
 */
public record PackageStatus(String name, String version, int row, String state, OperationType operation, String error, Completeness storage) {
    /** The group Show System State lists this package under. */
    public StateGroup group() { return PackageStateTable.row(row).group(); }
}
