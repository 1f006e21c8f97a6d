package dev.cairn.cli;

import dev.cairn.core.Json;
import java.io.PrintWriter;

/** Printing shared by the listing commands. */
final class Output {
    private Output() {}

    /** Prints {@code value} as one line of JSON (what every {@code --json} prints) and returns exit code 0. */
    static int json(PrintWriter out, Object value) {
        out.println(Json.string(value));
        out.flush();
        return 0;
    }
}
