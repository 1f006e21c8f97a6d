package dev.cairn.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Table 1 of docs/packages.md, typed by hand from the specification (not generated from the code under test). */
class PackageStateTableTest {
    static final String TABLE_1 = """
            | None             | None  | None | Not Installed                        | 0  |
            | None             | Error | None | Failed                               | 1  |
            | CLI Install      | None  | None | CLI Install Pending                  | 2  |
            | CLI Install      | Error | None | CLI Install Reattempt                | 3  |
            | Universe Install | None  | None | Universe Install Pending             | 4  |
            | Universe Install | Error | None | Universe Install Reattempt           | 5  |
            | Uninstall        | None  | None | User Error: Package is not installed | 6  |
            | Uninstall        | Error | None | Abort Failed Install                 | 7  |
            | None             | None  | Some | *Corrupted*: Should not be possible  | 8  |
            | None             | Error | Some | Failed                               | 9  |
            | CLI Install      | None  | Some | *Corrupted*: Should not be possible  | 10 |
            | CLI Install      | Error | Some | CLI Install Reattempt                | 11 |
            | Universe Install | None  | Some | *Corrupted*: Should not be possible  | 12 |
            | Universe Install | Error | Some | Universe Install Reattempt           | 13 |
            | Uninstall        | None  | Some | *Corrupted*: Should not be possible  | 14 |
            | Uninstall        | Error | Some | Abort Failed Install                 | 15 |
            | None             | None  | All  | Successfully Installed               | 16 |
            | None             | Error | All  | Failed: Cosmos crashed               | 17 |
            | CLI Install      | None  | All  | User Error: Already installed        | 18 |
            | CLI Install      | Error | All  | CLI Install Reattempt                | 19 |
            | Universe Install | None  | All  | User Error: Already installed        | 20 |
            | Universe Install | Error | All  | Universe Install Reattempt           | 21 |
            | Uninstall        | None  | All  | Uninstall Pending                    | 22 |
            | Uninstall        | Error | All  | Abort Failed Install                 | 23 |
            """;

    record Golden(Optional<OperationType> op, boolean error, Completeness storage, String state, int row) {}

    static List<Golden> golden() {
        return TABLE_1.lines().map(line -> {
            String[] f = line.split("\\|");
            Optional<OperationType> op = switch (f[1].trim()) {
                case "None" -> Optional.empty();
                case "CLI Install" -> Optional.of(OperationType.CLI_INSTALL);
                case "Universe Install" -> Optional.of(OperationType.UNIVERSE_INSTALL);
                case "Uninstall" -> Optional.of(OperationType.UNINSTALL);
                default -> throw new IllegalArgumentException(f[1]);
            };
            boolean error = f[2].trim().equals("Error");
            Completeness storage = Completeness.valueOf(f[3].trim().toUpperCase());
            return new Golden(op, error, storage, f[4].trim(), Integer.parseInt(f[5].trim()));
        }).toList();
    }

    @ParameterizedTest(name = "row {index}: {0}")
    @MethodSource("golden")
    void everyRowAsTheTableGivesIt(Golden g) {
        PackageState s = PackageStateTable.state(g.op(), g.error(), g.storage());
        assertEquals(g.row(), s.row());
        assertEquals(g.state(), s.text());
        assertEquals(g.op(), s.operation());
        assertEquals(g.error(), s.error());
        assertEquals(g.storage(), s.storage());
        assertEquals(s, PackageStateTable.row(g.row()));
    }

    @Test
    void corruptedRowsAreExactly8_10_12_14() {
        Set<Integer> corrupted = new TreeSet<>();
        for (PackageState s : PackageStateTable.rows()) if (s.corrupted()) corrupted.add(s.row());
        assertEquals(Set.of(8, 10, 12, 14), corrupted);
    }

    @Test
    void groupsForShowSystemState() {
        assertEquals(StateGroup.INSTALLED, PackageStateTable.row(16).group());
        assertEquals(StateGroup.NOT_INSTALLED, PackageStateTable.row(0).group());
        assertEquals(StateGroup.PENDING_UNINSTALL, PackageStateTable.row(22).group());
        for (int r : new int[] {1, 9, 17}) assertEquals(StateGroup.FAILED, PackageStateTable.row(r).group());
        for (int r : new int[] {2, 4}) assertEquals(StateGroup.PENDING_INSTALL, PackageStateTable.row(r).group());
        for (int r : new int[] {3, 5, 11, 13, 19, 21}) assertEquals(StateGroup.REATTEMPTING, PackageStateTable.row(r).group());
        for (int r : new int[] {7, 15, 23}) assertEquals(StateGroup.ABORTING, PackageStateTable.row(r).group());
        for (int r : new int[] {6, 18, 20}) assertEquals(StateGroup.USER_ERROR, PackageStateTable.row(r).group());
        assertEquals(24, PackageStateTable.rows().size());
    }
}
