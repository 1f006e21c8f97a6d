package dev.cairn.packages.universe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Names;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.Records;
import dev.cairn.core.store.StorePath;
import dev.cairn.packages.PackageQueue;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured Universe repositories, in the order they were added: the one owner of the store
 * entry {@code /cairn/packages/repositories}, a JSON array of {@link RepositoryConfig}, changed with
 * {@link Records#update}. Adding a repository checks that it answers and lists packages.
 */
public final class RepositoryRegistry {
    public static final StorePath PATH = PackageQueue.ROOT.child("repositories");

    /** The stored entry: the repositories as a JSON array. */
    record Repositories(@JsonValue List<RepositoryConfig> list) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        Repositories {
            list = list == null ? List.of() : List.copyOf(list);
        }
    }

    private final Records<Repositories> records;
    private final UriFetcher fetcher;

    public RepositoryRegistry(CoordinationStore store, UriFetcher fetcher) {
        this.records = new Records<>(store, null, Repositories.class); // repository changes record no events
        this.fetcher = fetcher;
    }

    public UriFetcher fetcher() { return fetcher; }

    public List<RepositoryConfig> list() {
        return records.find(PATH).map(Repositories::list).orElse(List.of());
    }

    /** Adds a repository after checking that it answers; returns how many package versions it lists. */
    public int add(String name, String uri) {
        Names.requireSimple("repository name", name);
        URI parsed = parseUri(uri);
        int count = UniverseRepository.open(name, parsed, fetcher).packages().size();
        records.update(PATH, cur -> {
            List<RepositoryConfig> list = new ArrayList<>(cur.map(Repositories::list).orElse(List.of()));
            if (list.stream().anyMatch(r -> r.name().equals(name))) {
                throw new CairnException(ErrorCode.ALREADY_EXISTS, "repository '" + name + "' already exists",
                        "remove it first with 'cairn repo remove " + name + "'");
            }
            list.add(new RepositoryConfig(name, parsed.toString()));
            return Records.Change.put(new Repositories(list));
        });
        return count;
    }

    public void remove(String name) {
        records.update(PATH, cur -> {
            List<RepositoryConfig> list = new ArrayList<>(cur.map(Repositories::list).orElse(List.of()));
            if (!list.removeIf(r -> r.name().equals(name))) throw unknown(name);
            return Records.Change.put(new Repositories(list));
        });
    }

    public UniverseRepository open(String name) {
        return list().stream().filter(r -> r.name().equals(name)).findFirst()
                .map(r -> UniverseRepository.open(r.name(), URI.create(r.uri()), fetcher))
                .orElseThrow(() -> unknown(name));
    }

    public List<UniverseRepository> all() {
        return list().stream().map(r -> UniverseRepository.open(r.name(), URI.create(r.uri()), fetcher)).toList();
    }

    private static CairnException unknown(String name) {
        return new CairnException(ErrorCode.NOT_FOUND, "unknown repository '" + name + "'", "list repositories with 'cairn repo list'");
    }

    static URI parseUri(String uri) {
        try {
            URI u = new URI(uri);
            String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
            if (!(s.equals("file") || s.equals("http") || s.equals("https"))) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "repository URI '" + uri + "' must be file://, http:// or https://",
                        "e.g. file:///srv/universe or https://universe.example.com/repo-up-to-1.8.json");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "repository URI '" + uri + "' is malformed: " + e.getReason(),
                    "e.g. file:///srv/universe");
        }
    }
}
