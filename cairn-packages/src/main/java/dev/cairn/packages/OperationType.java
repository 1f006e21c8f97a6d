package dev.cairn.packages;

/** The package operations that go through the operation queue. */
public enum OperationType {
    UNIVERSE_INSTALL("Universe Install"),
    CLI_INSTALL("CLI Install"),
    UNINSTALL("Uninstall");

    private final String label;

    OperationType(String label) { this.label = label; }

    /** The name Table 1 uses. */
    public String label() { return label; }

    public boolean isInstall() { return this != UNINSTALL; }
}
