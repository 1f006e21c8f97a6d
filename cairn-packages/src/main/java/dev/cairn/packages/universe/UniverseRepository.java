package dev.cairn.packages.universe;

import java.net.URI;
import java.util.List;

/** A Universe repository: the DC/OS layout ({@code repo/packages/<L>/<name>/<rev>/}) or a JSON index. */
public sealed interface UniverseRepository permits LayoutRepository, IndexRepository {
    String name();

    URI uri();

    /** Every version of every package, sorted by name then revision. */
    List<UniversePackage> packages();

    /** The definition files of one version; NOT_FOUND when the repository does not have it. */
    PackageDefinition definition(String name, String version);

    /** A repository for the URI: a {@code .json} URI is an index, anything else the directory layout. */
    static UniverseRepository open(String name, URI uri, UriFetcher fetcher) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        return path.endsWith(".json") ? new IndexRepository(name, uri, fetcher) : new LayoutRepository(name, uri, fetcher);
    }
}
