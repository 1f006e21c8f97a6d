package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Summarize the cluster: controllers, the leader, nodes up and down.")
public final class StatusCommand extends ApiView {
    @Override
    String path() { return "/api/v1/status"; }

    @Override
    int print(JsonNode s) {
        PrintWriter out = client.out();
        out.printf("controller  %s (%s)%s%n", s.path("controller").asText(), s.path("url").asText(),
                s.path("isLeader").asBoolean() ? ", leader" : "");
        out.printf("leader      %s (epoch %s)%n", s.path("leader").asText("none"), s.path("epoch").asText());
        out.printf("controllers %s%n", s.path("controllers"));
        out.printf("store       %s%n", s.path("store").asText());
        out.printf("nodes       %d up, %d down%n", s.path("nodesUp").asLong(), s.path("nodesDown").asLong());
        out.flush();
        return 0;
    }
}
