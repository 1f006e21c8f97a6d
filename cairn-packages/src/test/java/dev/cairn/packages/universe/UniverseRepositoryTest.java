package dev.cairn.packages.universe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.store.InMemoryCoordinationStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Real DC/OS Universe data from testdata/universe over file://. */
class UniverseRepositoryTest {
    static final Path UNIVERSE = dev.cairn.testkit.TestData.universe();

    static URI layoutUri() { return UNIVERSE.toUri(); }

    static URI indexUri() { return UNIVERSE.resolve("index/test-v3-repo-up-to-1.8.json").toUri(); }

    @Test
    void layoutListsEveryRevision() {
        UniverseRepository repo = UniverseRepository.open("universe", layoutUri(), UriFetcher.DEFAULT);
        List<UniversePackage> all = repo.packages();
        assertEquals(3, all.stream().filter(p -> p.name().equals("redis")).count(), "redis has revisions 0, 1, 2");
        UniversePackage httpbin = all.stream().filter(p -> p.name().equals("httpbin")).findFirst().orElseThrow();
        assertEquals("1.0.0", httpbin.version());
        assertEquals(0, httpbin.revision());
        assertEquals("3.0", httpbin.packagingVersion());
        assertTrue(all.stream().anyMatch(p -> p.name().equals("kafka") && p.revision() == 1200));
    }

    @Test
    void layoutDefinitionHasTheFilesThePackageHas() {
        UniverseRepository repo = UniverseRepository.open("universe", layoutUri(), UriFetcher.DEFAULT);
        UniversePackage concord = repo.packages().stream().filter(p -> p.name().equals("concord")).findFirst().orElseThrow();
        PackageDefinition d = repo.definition("concord", concord.version());
        assertEquals(List.of("package.json", "config.json", "resource.json", "marathon.json.mustache", "command.json"), List.copyOf(d.files().keySet()));
        UniversePackage tunnel = repo.packages().stream().filter(p -> p.name().equals("tunnel-cli")).findFirst().orElseThrow();
        assertFalse(repo.definition("tunnel-cli", tunnel.version()).files().containsKey("marathon.json.mustache"), "CLI-only package");
        CairnException e = assertThrows(CairnException.class, () -> repo.definition("httpbin", "9.9.9"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void jsonIndexIsSplitIntoFiles() {
        UniverseRepository repo = UniverseRepository.open("cosmos", indexUri(), UriFetcher.DEFAULT);
        assertTrue(repo instanceof IndexRepository);
        List<UniversePackage> all = repo.packages();
        assertEquals(9, all.size());
        UniversePackage nginx = all.stream().filter(p -> p.name().equals("nginx")).findFirst().orElseThrow();
        PackageDefinition d = repo.definition("nginx", nginx.version());
        JsonNode pkg = Json.tree(d.files().get("package.json"));
        assertEquals("nginx", pkg.path("name").asText());
        assertFalse(pkg.has("config"));
        assertTrue(Json.tree(d.files().get("config.json")).has("properties"));
        String template = d.text("marathon.json.mustache").orElseThrow();
        assertTrue(template.contains("{{"), "base64 template decoded: " + template.substring(0, 40));
    }

    @Test
    void version2IndexListsWithoutPackageFiles() {
        UniverseRepository repo = UniverseRepository.open("old", UNIVERSE.resolve("index/version-2.x").toUri(), UriFetcher.DEFAULT);
        List<UniversePackage> all = repo.packages();
        assertTrue(all.stream().anyMatch(p -> p.name().equals("arangodb") && p.version().equals("0.3.0") && p.revision() == 1));
        CairnException e = assertThrows(CairnException.class, () -> repo.definition("arangodb", "0.3.0"));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("package.json"), e.getMessage());
    }

    @Test
    void registrySearchAndDescribe() {
        RepositoryRegistry reg = new RepositoryRegistry(new InMemoryCoordinationStore(), UriFetcher.DEFAULT);
        assertEquals(25, reg.add("universe", layoutUri().toString()), "25 package revisions in testdata");
        reg.add("cosmos", indexUri().toString());
        assertEquals(List.of("universe", "cosmos"), reg.list().stream().map(RepositoryConfig::name).toList());
        CairnException dup = assertThrows(CairnException.class, () -> reg.add("universe", layoutUri().toString()));
        assertEquals(ErrorCode.ALREADY_EXISTS, dup.code());

        UniverseCatalog cat = new UniverseCatalog(reg);
        List<UniverseCatalog.SearchHit> redis = cat.search("REDIS");
        assertEquals(1, redis.size());
        assertEquals(3, redis.get(0).versions().size());
        assertTrue(cat.search("").size() > 20);
        assertEquals(2, cat.search("nginx").size(), "nginx is in both repositories");
        assertEquals("universe", cat.resolve("nginx", Optional.empty()).repository(), "first repository wins");
        assertEquals("cosmos", cat.resolve("cassandra", Optional.empty()).repository());
        assertEquals("httpbin", Json.tree(cat.describe("httpbin", Optional.of("1.0.0")).files().get("package.json")).path("name").asText());
        CairnException unknown = assertThrows(CairnException.class, () -> cat.resolve("nosuchthing", Optional.empty()));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        assertTrue(unknown.getMessage().startsWith("unknown package nosuchthing"), unknown.getMessage());

        reg.remove("cosmos");
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> reg.remove("cosmos")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> reg.open("cosmos")).code());
    }

    @Test
    void badRepositoriesAreRefusedOnAdd() {
        RepositoryRegistry reg = new RepositoryRegistry(new InMemoryCoordinationStore(), UriFetcher.DEFAULT);
        assertEquals(ErrorCode.INVALID_NAME, assertThrows(CairnException.class, () -> reg.add("My-Repo", layoutUri().toString())).code());
        assertEquals(ErrorCode.INVALID_INPUT, assertThrows(CairnException.class, () -> reg.add("x", "ftp://example.com/")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(CairnException.class, () -> reg.add("x", "file:///nonexistent/universe")).code());
        assertTrue(reg.list().isEmpty());
    }
}
