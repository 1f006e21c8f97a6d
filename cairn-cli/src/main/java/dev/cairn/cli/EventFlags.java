package dev.cairn.cli;

import dev.cairn.controller.events.EventOptions;
import picocli.CommandLine.Option;

/** Event-log options of the server commands: retention and forwarding. */
public final class EventFlags {
    @Option(names = "--events-file", paramLabel = "PATH", description = "Also write every event as a JSON line to this file.")
    String file;

    @Option(names = "--events-syslog", paramLabel = "HOST:PORT", arity = "0..1", fallbackValue = "",
            description = "Also send every event to syslog (RFC 5424 over UDP; default 127.0.0.1:514).")
    String syslog;

    @Option(names = "--events-retain-count", paramLabel = "N", description = "Keep at most N events (default 10000).")
    Integer retainCount;

    @Option(names = "--events-retain-age", paramLabel = "DURATION", description = "Drop events older than this, e.g. 7d, 12h (default 7d).")
    String retainAge;

    EventOptions options() {
        return EventOptions.fromFlags(file, syslog, retainCount, retainAge);
    }
}
