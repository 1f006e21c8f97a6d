package dev.cairn.packages;

import java.util.Optional;

/**
 * One row of Table 1 (seed 000): the inputs (operation, error present, storage completeness), the
 * State text exactly as the seed words it, the row number {@code #}, and the group Show System State
 * lists it under.
 */
public record PackageState(int row, Optional<OperationType> operation, boolean error, Completeness storage,
                           String text, StateGroup group) {
    public boolean corrupted() { return group == StateGroup.CORRUPTED; }
}
