package dev.cairn.states;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.states.compile.Compiler;
import dev.cairn.states.compile.Mode;
import dev.cairn.states.exec.StateListener;
import dev.cairn.states.exec.StateResult;
import dev.cairn.states.source.SlsTree;
import dev.cairn.states.source.StateSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources: a file, a directory with top.sls + includes, git+URL#REF:PATH via JGit on a local bare repository. */
class SourcesTest {
    @TempDir
    Path tmp;

    private void writeTree(Path root) throws Exception {
        Files.createDirectories(root.resolve("web"));
        Files.writeString(root.resolve("top.sls"), "base:\n  '*':\n    - web\n    - extra\n");
        Files.writeString(root.resolve("web/init.sls"), "include:\n  - .common\nweb: {test.succeed_with_changes: [{require: [{sls: web.common}]}]}\n");
        Files.writeString(root.resolve("web/common.sls"), "common: {test.nop: []}\n");
        Files.writeString(root.resolve("extra.sls"), "extra: {test.nop: []}\n");
        Files.writeString(root.resolve("site.sls"), "include:\n  - web\nsite: {test.nop: [{require: [web]}]}\n");
    }

    private List<String> ids(SlsTree tree) {
        StateEngine e = StateEngine.withBuiltins(Sls.context(tmp));
        Compiler.Result c = e.compile(tree::load, tree.top(), Mode.ANSIBLE);
        assertTrue(c.ok(), c.errors()::toString);
        return e.run(c.plan(), dev.cairn.states.exec.RunOptions.defaults()).results().stream().map(StateResult::id).toList();
    }

    @Test
    void directoryWithTopFileAndIncludes() throws Exception {
        Path root = tmp.resolve("states");
        writeTree(root);
        SlsTree tree = StateSources.open(root.toString());
        assertEquals(List.of("web", "extra"), tree.top());
        assertEquals(List.of("common", "web", "extra"), ids(tree));
    }

    @Test
    void singleFileSeesItsSiblingsForIncludes() throws Exception {
        Path root = tmp.resolve("states");
        writeTree(root);
        assertEquals(List.of("common", "web", "site"), ids(StateSources.open(root.resolve("site.sls").toString())));
    }

    @Test
    void gitSourceAtAPinnedRef() throws Exception {
        Path work = tmp.resolve("work");
        Path bare = tmp.resolve("repo.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            writeTree(work.resolve("salt"));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("v1").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid").setSign(false).call();
            git.tag().setName("v1").setAnnotated(false).call();
            Files.writeString(work.resolve("salt/extra.sls"), "extra2: {test.nop: []}\n");
            git.commit().setAll(true).setMessage("v2").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid").setSign(false).call();
            git.push().setRemote(bare.toUri().toString()).add("main").setPushTags().call();
        }
        String url = bare.toUri().toString();
        assertEquals(List.of("common", "web", "extra"), ids(StateSources.open("git+" + url + "#v1:salt")));
        assertEquals(List.of("common", "web", "extra2"), ids(StateSources.open("git+" + url + "#main:salt")));
        assertEquals(List.of("common", "web", "site"), ids(StateSources.open("git+" + url + "#v1:salt/site.sls")));
        CairnException e = assertThrows(CairnException.class, () -> StateSources.open("git+" + url + "#nosuchref:salt"));
        assertTrue(e.getMessage().contains("git ref 'nosuchref' not found"), e.getMessage());
    }

    @Test
    void missingSourceAndDirectoryWithoutTop() throws Exception {
        CairnException e = assertThrows(CairnException.class, () -> StateSources.open(tmp.resolve("nope.sls").toString()));
        assertTrue(e.getMessage().contains("does not exist") && e.hint() != null);
        Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(CairnException.class, () -> StateSources.open(tmp.resolve("empty").toString()));
        assertTrue(e.getMessage().contains("has no top.sls"));
    }

    @Test
    void localApplyRejectsAMissingIncludeBeforeRunning() throws Exception {
        Path f = tmp.resolve("main.sls");
        Files.writeString(f, "include:\n  - missing\nx: {cmd.run: [{name: touch %s/ran}]}\n".formatted(tmp));
        LocalApply.Outcome o = new LocalApply(f.toString(), Mode.ANSIBLE, false, false, tmp.resolve("state"), null, null, 4, StateListener.NONE).run();
        assertEquals(1, o.errors().size(), o.errors()::toString);
        assertTrue(o.errors().get(0).contains("missing"));
        assertTrue(!Files.exists(tmp.resolve("ran")));
    }
}
