package dev.cairn.cli;

import dev.cairn.core.api.ApiClient;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: the {@code --url} of the controller, and printing to the
 * command's output. A command mixes it in ({@code @Mixin ClientOptions client}) and needs no
 * {@code @Spec} of its own.
 */
public final class ClientOptions {
    @Option(names = "--url", description = "Controller URL (default: $CAIRN_URL or http://127.0.0.1:7070).")
    String url;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    public ApiClient client() {
        return new ApiClient(url != null ? url : ApiClient.urlFromEnvironment());
    }

    /** The command's output. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's error output. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints one line and returns exit code 0. */
    int line(String text) {
        PrintWriter out = out();
        out.println(text);
        out.flush();
        return 0;
    }

    /** Prints {@code value} as one line of JSON (what every {@code --json} prints) and returns exit code 0. */
    int json(Object value) {
        return Output.json(out(), value);
    }

    /** Prints the table and returns exit code 0. */
    int table(Table t) {
        t.print(out());
        return 0;
    }
}
