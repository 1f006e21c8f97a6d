package dev.cairn.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A clone of the repository alone must build and pass: no test, script or document may read or
 * name the folder beside the checkout that the project's test data was first copied from.
 */
class SelfContainedTest {
    /** Built from parts so that this file does not name it itself. */
    private static final String SIBLING = ".." + "/" + "shared";
    private static final Set<String> SKIP_DIRS = Set.of(".git", "target", "node_modules", ".cairn", ".cairn-agent", ".idea");

    @Test
    void nothingInTheRepositoryNamesAFolderBesideIt() throws IOException {
        Path root = TestData.repoRoot();
        List<String> hits = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && SKIP_DIRS.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.size() > 4 << 20) return FileVisitResult.CONTINUE;
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (MalformedInputException e) {
                    return FileVisitResult.CONTINUE; // binary
                }
                int line = 1;
                for (String l : text.split("\n", -1)) {
                    if (l.contains(SIBLING)) hits.add(root.relativize(file) + ":" + line + ": " + l.strip());
                    line++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        assertEquals(List.of(), hits, "files that name " + SIBLING + " (a clone has nothing beside it; use testdata/ through TestData)");
    }

    @Test
    void theTestDataIsInTheRepository() {
        assertTrue(Files.isDirectory(TestData.pacemaker().resolve("xml")));
        assertTrue(Files.isDirectory(TestData.saltCases()));
        assertTrue(Files.isDirectory(TestData.universe().resolve("repo")));
        for (String d : List.of("pacemaker", "salt", "universe")) {
            assertTrue(Files.isRegularFile(TestData.path(d, "SOURCE.txt")), d + " has a SOURCE.txt");
            assertTrue(Files.isRegularFile(TestData.path(d, "LICENSE.txt")), d + " has a LICENSE.txt");
        }
    }
}
