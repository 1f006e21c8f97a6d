package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Summarize the cluster: controllers, the leader, nodes up and down.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode s = client.client().get("/api/v1/status");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.string(s));
        } else {
            out.printf("controller  %s (%s)%s%n", s.path("controller").asText(), s.path("url").asText(),
                    s.path("isLeader").asBoolean() ? ", leader" : "");
            out.printf("leader      %s (epoch %s)%n", s.path("leader").asText("none"), s.path("epoch").asText());
            out.printf("controllers %s%n", s.path("controllers"));
            out.printf("store       %s%n", s.path("store").asText());
            out.printf("nodes       %d up, %d down%n", s.path("nodesUp").asLong(), s.path("nodesDown").asLong());
        }
        out.flush();
        return 0;
    }
}
