package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.packages.Completion;
import dev.cairn.packages.OperationTicket;
import dev.cairn.packages.PackageStatus;
import dev.cairn.packages.archive.PackageBuilder;
import dev.cairn.packages.archive.PackageManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "package", mixinStandardHelpOptions = true,
        description = {"Publish packages into the cluster's repository and see their state.",
                "",
                "Install, add and uninstall are queued (crash-safe) and processed by the leader;",
                "--wait blocks until the operation is done (exit 0) or failed (exit 1)."},
        subcommands = {PackageCommand.Search.class, PackageCommand.Describe.class, PackageCommand.Install.class,
                PackageCommand.Add.class, PackageCommand.Uninstall.class, PackageCommand.State.class, PackageCommand.Build.class})
public final class PackageCommand extends CommandGroup {
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Install, add and uninstall: a request the controller queues, answered with a ticket; --wait waits for the outcome. */
    abstract static class Queueing implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--wait", description = "Wait until the operation is done.")
        boolean wait;

        /** Prints the queued ticket and, with --wait, waits for the outcome. */
        int queued(ApiClient api, JsonNode answer) {
            PrintWriter out = client.out();
            OperationTicket ticket = Json.MAPPER.convertValue(answer, OperationTicket.class);
            String coord = ticket.name() + "@" + ticket.version();
            out.printf("%s %s queued (operation %s, state: %s)%n", ticket.operation(), coord, ticket.id(), ticket.state());
            out.flush();
            if (!wait) return 0;
            while (true) {
                Completion c = Json.MAPPER.convertValue(api.get("/api/v1/packages/" + enc(coord) + "/operations/" + enc(ticket.id())
                        + "?waitMs=25000", Duration.ofSeconds(40)), Completion.class);
                PackageStatus st = c.state();
                switch (c.status()) {
                    case SUCCEEDED -> {
                        out.printf("%s: done (%s)%n", coord, st == null || st.state() == null ? "Not Installed" : st.state());
                        out.flush();
                        return 0;
                    }
                    case FAILED -> throw new CairnException(ErrorCode.OPERATION_FAILED,
                            coord + ": " + ticket.operation() + " failed: " + (c.error() == null ? "unknown error" : c.error()),
                            "see 'cairn package state' and 'cairn events --subject " + coord + "'");
                    case PENDING -> {
                        if (st != null) {
                            out.printf("%s: %s%s%n", coord, st.state(), st.error() == null ? "" : " — last error: " + st.error());
                            out.flush();
                        }
                    }
                }
            }
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Search the repositories' catalog.")
    static final class Search implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(arity = "0..1", paramLabel = "TEXT", description = "Matched against names, descriptions and tags.")
        String text;

        @Option(names = "--json", description = "Print JSON: {\"packages\":[…]}.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode r = client.client().get("/api/v1/catalog" + (text == null ? "" : "?q=" + enc(text)));
            if (json) return client.json(r);
            Table t = new Table("NAME", "VERSION", "REPOSITORY", "DESCRIPTION");
            for (JsonNode p : r.path("packages")) {
                String d = p.path("description").asText("");
                t.row(p.path("name").asText(), p.path("version").asText(), p.path("repository").asText(),
                        d.length() > 60 ? d.substring(0, 57) + "..." : d);
            }
            return client.table(t);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a catalog package's definition.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME[@VERSION]")
        String pkg;

        @Override
        public Integer call() {
            return client.line(Json.pretty(client.client().get("/api/v1/catalog/" + enc(pkg))));
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Universe Install: queue a package from the repositories.",
                    "--with-assets also fetches the resource.json assets into package storage",
                    "(checked against their hashes) for offline / air-gapped clusters."})
    static final class Install extends Queueing {
        @Parameters(paramLabel = "NAME[@VERSION]", description = "Latest version when none is given.")
        String pkg;

        @Option(names = "--with-assets", description = "Store the package's assets too.")
        boolean withAssets;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            return queued(api, api.post("/api/v1/packages/install", Map.of("package", pkg, "withAssets", withAssets)));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"CLI Install: upload a package archive and queue it.",
                    "FILE is a Cairn package (zip or tar.gz with package.yaml; see 'package build')",
                    "or a zipped Universe package. The upload streams with a progress bar."})
    static final class Add extends Queueing {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "no such file: " + file, "give the path of a package archive");
            }
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage(), null);
            }
            ApiClient api = new ApiClient(client.client().base().toString(), Duration.ofHours(6));
            JsonNode ticket = api.postStream("/api/v1/packages/upload", "application/octet-stream", () -> {
                try {
                    InputStream in = Files.newInputStream(file);
                    return new ProgressInputStream(in, size, "uploading " + file.getFileName(), System.err);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Duration.ofHours(6));
            return queued(client.client(), ticket);
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = {"Uninstall: queue the removal of an installed package.",
                    "Uninstalling a failed or reattempting install aborts it."})
    static final class Uninstall extends Queueing {
        @Parameters(paramLabel = "NAME@VERSION")
        String pkg;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            return queued(api, api.post("/api/v1/packages/uninstall", Map.of("package", pkg)));
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = {"Show System State: every package that is installed, pending, failed, reattempting,",
                    "aborting or corrupted, with its row of the package state table.",
                    "--json: {\"packages\":[{\"name\",\"version\",\"row\",\"state\",\"operation\",\"error\",\"storage\"}]}"})
    static final class State extends ApiView {
        @Override
        String path() { return "/api/v1/packages/state"; }

        @Override
        int print(JsonNode r) {
            if (r.path("packages").isEmpty()) return client.line("no packages installed or pending");
            Table t = new Table("PACKAGE", "STATE", "ROW", "OPERATION", "STORAGE", "ERROR");
            for (JsonNode p : r.path("packages")) {
                t.row(p.path("name").asText() + "@" + p.path("version").asText(), p.path("state").asText(), p.path("row").asInt(),
                        p.path("operation").isNull() ? "-" : p.path("operation").asText(), p.path("storage").asText(),
                        p.path("error").isNull() ? "-" : p.path("error").asText());
            }
            return client.table(t);
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build a package archive from a directory holding package.yaml and its files.",
                    "Checks the manifest and the files the way CLI Install will."})
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Archive to write (.zip or .tar.gz; default <name>-<version>.zip).")
        Path output;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PackageManifest m = PackageBuilder.manifest(dir);
            Path out = output != null ? output : Path.of(PackageBuilder.defaultFileName(m));
            PackageBuilder.build(dir, out);
            spec.commandLine().getOut().println("built " + out + " (" + m.name() + "@" + m.version() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
