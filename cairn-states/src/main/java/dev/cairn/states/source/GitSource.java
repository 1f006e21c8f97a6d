package dev.cairn.states.source;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.net.URISyntaxException;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@code git+URL#REF:PATH}: fetches URL's branches and tags into an in-memory repository (nothing
 * is written to disk), resolves REF (branch, tag or commit; default HEAD) and reads the .sls files under
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
        // do not let JGit block on measuring the file system's timestamp resolution (local repositories)
        FS.FileStoreAttributes.setBackground(true);
        try (InMemoryRepository repo = new InMemoryRepository.Builder()
                .setRepositoryDescription(new DfsRepositoryDescription("cairn-state-source")).setFS(FS.DETECTED).build()) {
            FetchResult fetched;
            try (Transport transport = Transport.open(repo, new URIish(spec.url()))) {
                fetched = transport.fetch(NullProgressMonitor.INSTANCE,
                        List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*")));
            }
            {
                ObjectId id;
                if (spec.ref().equals("HEAD")) {
                    Ref head = fetched.getAdvertisedRef("HEAD");
                    id = head == null ? null : head.getObjectId();
                } else {
                    id = repo.resolve(spec.ref() + "^{commit}");
                }
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
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "git source URL '" + spec.url() + "' is not valid: " + e.getMessage(),
                    "use git+https://host/repo.git#REF:PATH or git+file:///path/repo.git#REF:PATH");
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNREACHABLE, "cannot fetch " + spec.url() + ": " + e.getMessage(),
                    "check the URL and that the repository is reachable");
        }
    }
}
