package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.api.ApiClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Look at the services of deployments.",
        subcommands = {ServiceCommand.Logs.class})
public final class ServiceCommand extends CommandGroup {
    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Print a service's output (stdout and stderr), fetched from the node running it.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment.")
        String deployment;

        @Parameters(index = "1", paramLabel = "SERVICE", description = "The service.")
        String service;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new output until interrupted.")
        boolean follow;

        @Option(names = "--bytes", defaultValue = "8192", description = "How much of the end of the log to print first (default: ${DEFAULT-VALUE}).")
        long bytes;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient api = client.client();
            PrintWriter out = client.out();
            String path = "/api/v1/deployments/" + enc(deployment) + "/services/" + enc(service) + "/logs?offset=";
            long offset = -Math.max(1, bytes);
            while (true) {
                JsonNode r = api.get(path + offset);
                String data = r.path("data").asText("");
                out.print(data);
                out.flush();
                long next = r.path("next").asLong();
                long size = r.path("size").asLong();
                boolean more = next < size;
                offset = next;
                if (!follow && !more) return 0;
                if (!more) Thread.sleep(500);
            }
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}
