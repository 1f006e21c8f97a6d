package dev.cairn.packages;

import java.util.Optional;

/**
 * One row of Table 1 (docs/packages.md): the inputs (operation, error present, storage completeness), the
 * State text verbatim, the row number {@code #}, and the group Show System State
 * lists it under.
 */
public record PackageState(int row, Optional<OperationType> operation, boolean error, Completeness storage,
                           String text, StateGroup group) {
    public boolean corrupted() { return group == StateGroup.CORRUPTED; }
}
