package dev.cairn.packages.universe;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Search and describe across the configured repositories, first repository first. */
public final class UniverseCatalog {
    private final RepositoryRegistry registry;

    public UniverseCatalog(RepositoryRegistry registry) {
        this.registry = registry;
    }

    /** One package of one repository: its newest version, every version, and what it is. */
    public record SearchHit(String repository, String name, String version, List<String> versions, String description,
                            List<String> tags) {}

    /** Packages whose name, description or tags contain {@code text} (case-insensitive); all when blank. */
    public List<SearchHit> search(String text) {
        String q = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        List<SearchHit> hits = new ArrayList<>();
        for (UniverseRepository repo : registry.all()) {
            Map<String, List<UniversePackage>> byName = new LinkedHashMap<>();
            for (UniversePackage p : repo.packages()) byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
            for (List<UniversePackage> versions : byName.values()) {
                UniversePackage latest = versions.stream().max(Comparator.comparingLong(UniversePackage::revision)).orElseThrow();
                boolean match = q.isEmpty() || latest.name().toLowerCase(Locale.ROOT).contains(q)
                        || latest.description().toLowerCase(Locale.ROOT).contains(q)
                        || latest.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains(q));
                if (match) {
                    hits.add(new SearchHit(repo.name(), latest.name(), latest.version(),
                            versions.stream().map(UniversePackage::version).toList(), latest.description(), latest.tags()));
                }
            }
        }
        hits.sort(Comparator.comparing(SearchHit::name).thenComparing(SearchHit::repository));
        return hits;
    }

    /** Finds {@code name} (at {@code version}, or its newest) in the first repository that has it. */
    public UniversePackage resolve(String name, Optional<String> version) {
        if (registry.list().isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no repositories are configured", "add one with 'cairn repo add NAME URI'");
        }
        for (UniverseRepository repo : registry.all()) {
            Optional<UniversePackage> found = repo.packages().stream()
                    .filter(p -> p.name().equals(name) && version.map(v -> v.equals(p.version())).orElse(true))
                    .max(Comparator.comparingLong(UniversePackage::revision));
            if (found.isPresent()) return found.get();
        }
        throw new CairnException(ErrorCode.NOT_FOUND, "unknown package " + name + version.map(v -> "@" + v).orElse("")
                + " in repositories " + registry.list().stream().map(RepositoryConfig::name).toList(),
                "search with 'cairn package search " + name + "'");
    }

    public PackageDefinition describe(String name, Optional<String> version) {
        UniversePackage p = resolve(name, version);
        return registry.open(p.repository()).definition(p.name(), p.version());
    }
}
