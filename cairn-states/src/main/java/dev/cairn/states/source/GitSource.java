package dev.cairn.states.source;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@code git+URL#REF:PATH}: clones URL (bare, into a temporary directory that is removed
 * afterwards), resolves REF (branch, tag or commit; default HEAD) and reads the .sls files under
 * PATH (a directory with top.sls, or one .sls file; default the repository root).
 */
final class GitSource {
    private GitSource() {}

    record Spec(String url, String ref, String path) {
        static Spec parse(String spec) {
            String rest = spec.substring("git+".length());
            String ref = "HEAD";
            String path = "";
            int hash = rest.lastIndexOf('#');
            if (hash >= 0) {
                String frag = rest.substring(hash + 1);
                rest = rest.substring(0, hash);
                int colon = frag.indexOf(':');
                if (colon >= 0) {
                    path = frag.substring(colon + 1);
                    frag = frag.substring(0, colon);
                }
                if (!frag.isEmpty()) ref = frag;
            }
            if (rest.isEmpty()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "git source '" + spec + "' has no URL", "use git+URL#REF:PATH");
            }
            return new Spec(rest, ref, path.replaceAll("^/+|/+$", ""));
        }
    }

    static SlsTree open(String specText) {
        Spec spec = Spec.parse(specText);
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("cairn-git");
            try (Git git = Git.cloneRepository().setURI(spec.url()).setDirectory(tmp.toFile()).setBare(true)
                    .setCloneAllBranches(true).call()) {
                Repository repo = git.getRepository();
                ObjectId id = repo.resolve(spec.ref().equals("HEAD") ? "HEAD" : spec.ref() + "^{commit}");
                if (id == null) id = repo.resolve("refs/remotes/origin/" + spec.ref());
                if (id == null) {
                    throw new CairnException(ErrorCode.NOT_FOUND, "git ref '" + spec.ref() + "' not found in " + spec.url(),
                            "use a branch, tag or commit that exists");
                }
                Map<String, String> files = new LinkedHashMap<>();
                boolean single = spec.path().endsWith(".sls");
                String dir = single ? (spec.path().contains("/") ? spec.path().substring(0, spec.path().lastIndexOf('/')) : "") : spec.path();
                String prefix = dir.isEmpty() ? "" : dir + "/";
                boolean found = false;
                try (RevWalk rw = new RevWalk(repo)) {
                    RevCommit commit = rw.parseCommit(id);
                    try (TreeWalk tw = new TreeWalk(repo)) {
                        tw.addTree(commit.getTree());
                        tw.setRecursive(true);
                        while (tw.next()) {
                            String p = tw.getPathString();
                            if (!p.startsWith(prefix)) continue;
                            if (p.equals(spec.path())) found = true;
                            String name = SlsTree.slsName(p.substring(prefix.length()));
                            if (name != null) files.put(name, new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                        }
                    }
                    String desc = spec.url() + "@" + commit.getName().substring(0, 12) + (spec.path().isEmpty() ? "" : ":" + spec.path());
                    if (single) {
                        if (!found) {
                            throw new CairnException(ErrorCode.NOT_FOUND, "no file '" + spec.path() + "' in " + desc, "check the PATH part of git+URL#REF:PATH");
                        }
                        return new SlsTree(Map.copyOf(files), List.of(SlsTree.slsName(spec.path().substring(prefix.length()))), desc);
                    }
                    if (files.isEmpty()) {
                        throw new CairnException(ErrorCode.NOT_FOUND, "no .sls files under '" + spec.path() + "' in " + desc,
                                "check the PATH part of git+URL#REF:PATH");
                    }
                    return SlsTree.ofDirectory(files, StateSources.hostname(), desc);
                }
            }
        } catch (GitAPIException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot clone " + spec.url() + ": " + e.getMessage(),
                    "check the URL and that the repository is reachable");
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot read git repository " + spec.url() + ": " + e.getMessage(), null);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temporary directory; best effort
        }
    }
}
