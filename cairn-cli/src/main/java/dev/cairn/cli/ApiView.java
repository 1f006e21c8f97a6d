package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that shows one answer of the controller's API: with {@code --json} as it came (one
 * line), otherwise as text ({@link #print}).
 */
abstract class ApiView implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** The API path to GET. */
    abstract String path();

    /** Prints the answer as text; returns the exit code. */
    abstract int print(JsonNode answer);

    @Override
    public final Integer call() {
        JsonNode r = client.client().get(path());
        return json ? client.json(r) : print(r);
    }
}
