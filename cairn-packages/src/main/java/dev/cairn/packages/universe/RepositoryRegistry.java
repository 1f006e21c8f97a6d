package dev.cairn.packages.universe;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.Names;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.store.StorePath;
import dev.cairn.core.store.Versioned;
import dev.cairn.packages.PackageQueue;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured Universe repositories, in the order they were added, kept as one small entry
 * {@code /cairn/packages/repositories} changed by compare-and-set. Adding a repository checks that
 * it answers and lists packages.
 */
public final class RepositoryRegistry {
    public static final StorePath PATH = PackageQueue.ROOT.child("repositories");
    private static final TypeReference<List<RepositoryConfig>> LIST = new TypeReference<>() {};

    private final CoordinationStore store;
    private final UriFetcher fetcher;

    public RepositoryRegistry(CoordinationStore store, UriFetcher fetcher) {
        this.store = store;
        this.fetcher = fetcher;
    }

    public UriFetcher fetcher() { return fetcher; }

    public List<RepositoryConfig> list() {
        return read().map(Versioned::value).orElse(List.of());
    }

    private Optional<Versioned<List<RepositoryConfig>>> read() {
        return store.get(PATH).map(v -> {
            try {
                return new Versioned<>(v.value().length == 0 ? List.<RepositoryConfig>of() : Json.MAPPER.readValue(v.value(), LIST), v.version());
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INTERNAL, "the repository list in the store is damaged: " + e.getMessage(), null, e);
            }
        });
    }

    /** Adds a repository after checking that it answers; returns how many package versions it lists. */
    public int add(String name, String uri) {
        Names.requireSimple("repository name", name);
        URI parsed = parseUri(uri);
        int count = UniverseRepository.open(name, parsed, fetcher).packages().size();
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<Versioned<List<RepositoryConfig>>> cur = read();
            List<RepositoryConfig> list = new ArrayList<>(cur.map(Versioned::value).orElse(List.of()));
            if (list.stream().anyMatch(r -> r.name().equals(name))) {
                throw new CairnException(ErrorCode.ALREADY_EXISTS, "repository '" + name + "' already exists",
                        "remove it first with 'cairn repo remove " + name + "'");
            }
            list.add(new RepositoryConfig(name, parsed.toString()));
            if (write(cur, list)) return count;
        }
        throw new CairnException(ErrorCode.VERSION_CONFLICT, "the repository list kept changing while adding '" + name + "'", "try again");
    }

    public void remove(String name) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<Versioned<List<RepositoryConfig>>> cur = read();
            List<RepositoryConfig> list = new ArrayList<>(cur.map(Versioned::value).orElse(List.of()));
            if (!list.removeIf(r -> r.name().equals(name))) throw unknown(name);
            if (write(cur, list)) return;
        }
        throw new CairnException(ErrorCode.VERSION_CONFLICT, "the repository list kept changing while removing '" + name + "'", "try again");
    }

    private boolean write(Optional<Versioned<List<RepositoryConfig>>> cur, List<RepositoryConfig> list) {
        byte[] data = Json.bytes(list);
        if (cur.isEmpty()) return store.createIfAbsent(PATH, data).isPresent();
        return store.compareAndSet(PATH, data, cur.get().version()).isPresent();
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
