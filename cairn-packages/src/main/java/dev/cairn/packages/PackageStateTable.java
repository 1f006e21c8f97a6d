package dev.cairn.packages;

import static dev.cairn.packages.Completeness.ALL;
import static dev.cairn.packages.Completeness.NONE;
import static dev.cairn.packages.Completeness.SOME;
import static dev.cairn.packages.OperationType.CLI_INSTALL;
import static dev.cairn.packages.OperationType.UNINSTALL;
import static dev.cairn.packages.OperationType.UNIVERSE_INSTALL;
import static dev.cairn.packages.StateGroup.ABORTING;
import static dev.cairn.packages.StateGroup.CORRUPTED;
import static dev.cairn.packages.StateGroup.FAILED;
import static dev.cairn.packages.StateGroup.INSTALLED;
import static dev.cairn.packages.StateGroup.NOT_INSTALLED;
import static dev.cairn.packages.StateGroup.PENDING_INSTALL;
import static dev.cairn.packages.StateGroup.PENDING_UNINSTALL;
import static dev.cairn.packages.StateGroup.REATTEMPTING;
import static dev.cairn.packages.StateGroup.USER_ERROR;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The package state function: {@code state = f(operation?, error?, storage)}, as the 24
 * rows of Table 1 — data, not logic. Pure; no I/O.
 */
public final class PackageStateTable {
    private static final String NOT_INSTALLED_TEXT = "Not Installed";
    private static final String CORRUPTED_TEXT = "*Corrupted*: Should not be possible";
    private static final String ABORT = "Abort Failed Install";
    private static final String ALREADY = "User Error: Already installed";

    private static final List<PackageState> ROWS = List.of(
            row(0, null, false, NONE, NOT_INSTALLED_TEXT, NOT_INSTALLED),
            row(1, null, true, NONE, "Failed", FAILED),
            row(2, CLI_INSTALL, false, NONE, "CLI Install Pending", PENDING_INSTALL),
            row(3, CLI_INSTALL, true, NONE, "CLI Install Reattempt", REATTEMPTING),
            row(4, UNIVERSE_INSTALL, false, NONE, "Universe Install Pending", PENDING_INSTALL),
            row(5, UNIVERSE_INSTALL, true, NONE, "Universe Install Reattempt", REATTEMPTING),
            row(6, UNINSTALL, false, NONE, "User Error: Package is not installed", USER_ERROR),
            row(7, UNINSTALL, true, NONE, ABORT, ABORTING),
            row(8, null, false, SOME, CORRUPTED_TEXT, CORRUPTED),
            row(9, null, true, SOME, "Failed", FAILED),
            row(10, CLI_INSTALL, false, SOME, CORRUPTED_TEXT, CORRUPTED),
            row(11, CLI_INSTALL, true, SOME, "CLI Install Reattempt", REATTEMPTING),
            row(12, UNIVERSE_INSTALL, false, SOME, CORRUPTED_TEXT, CORRUPTED),
            row(13, UNIVERSE_INSTALL, true, SOME, "Universe Install Reattempt", REATTEMPTING),
            row(14, UNINSTALL, false, SOME, CORRUPTED_TEXT, CORRUPTED),
            row(15, UNINSTALL, true, SOME, ABORT, ABORTING),
            row(16, null, false, ALL, "Successfully Installed", INSTALLED),
            row(17, null, true, ALL, "Failed: Cosmos crashed", FAILED),
            row(18, CLI_INSTALL, false, ALL, ALREADY, USER_ERROR),
            row(19, CLI_INSTALL, true, ALL, "CLI Install Reattempt", REATTEMPTING),
            row(20, UNIVERSE_INSTALL, false, ALL, ALREADY, USER_ERROR),
            row(21, UNIVERSE_INSTALL, true, ALL, "Universe Install Reattempt", REATTEMPTING),
            row(22, UNINSTALL, false, ALL, "Uninstall Pending", PENDING_UNINSTALL),
            row(23, UNINSTALL, true, ALL, ABORT, ABORTING));

    private PackageStateTable() {}

    private static PackageState row(int n, OperationType op, boolean error, Completeness storage, String text, StateGroup group) {
        return new PackageState(n, Optional.ofNullable(op), error, storage, text, group);
    }

    /** All 24 rows in order of {@code #}. */
    public static List<PackageState> rows() {
        return new ArrayList<>(ROWS);
    }

    public static PackageState row(int n) {
        return ROWS.get(n);
    }

    /** Row 16, Successfully Installed: everything in storage, nothing queued. */
    public static PackageState installed() {
        return state(Optional.empty(), false, ALL);
    }

    /** Row 0, Not Installed: nothing anywhere. */
    public static PackageState notInstalled() {
        return state(Optional.empty(), false, NONE);
    }

    /** The state of a package given what the operation queue, the error queue and storage hold for it. */
    public static PackageState state(Optional<OperationType> operation, boolean error, Completeness storage) {
        for (PackageState s : ROWS) {
            if (s.operation().equals(operation) && s.error() == error && s.storage() == storage) return s;
        }
        throw new IllegalStateException("Table 1 has no row for " + operation + "/" + error + "/" + storage);
    }
}
