package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.api.ApiClient;
import dev.cairn.core.events.EventFilter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Show the cluster's event log, or follow it.",
                "",
                "Without --since: the newest events (--limit, default 100; 10 with --follow).",
                "With --since SEQ: the events after SEQ, oldest first.",
                "--type matches a type and everything below it: 'package' or 'package.*'",
                "match package.install.queued. --subject matches exactly.",
                "--follow keeps printing new events, reconnecting (without gaps) if the",
                "stream drops; --count N exits after N of them.",
                "--json prints {\"events\":[{\"seq\",\"time\",\"type\",\"subject\",\"message\",\"data\"}]},",
                "or one event object per line with --follow."})
public final class EventsCommand implements Callable<Integer> {
    static final Duration SILENCE = Duration.ofSeconds(45);

    @Mixin
    ClientOptions client;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only this type or prefix (e.g. node.down, package, package.*).")
    String type;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only events about this subject.")
    String subject;

    @Option(names = "--since", paramLabel = "SEQ", description = "Only events after this seq.")
    Long since;

    @Option(names = "--limit", paramLabel = "N", description = "At most N events (1 to 1000).")
    Integer limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--count", paramLabel = "N", description = "With --follow: exit after N events.")
    Integer count;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        EventFilter filter = new EventFilter(type, subject); // validates the type before asking the server
        if (since != null && since < 0) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "--since " + since + " is negative", "give an event seq, 0 for the beginning");
        }
        int n = limit != null ? limit : follow ? 10 : 100;
        if (n < 1 || n > 1000) throw new CairnException(ErrorCode.INVALID_INPUT, "--limit " + n + " is out of range", "use 1 to 1000");
        if (count != null && (count < 1 || !follow)) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "--count needs --follow and a positive number", "e.g. 'cairn events --follow --count 1'");
        }
        ApiClient api = client.client();
        PrintWriter out = client.out();
        if (!follow) {
            return print(api.get("/api/v1/events" + query(filter, since, n)).path("events"));
        }
        long cursor;
        int printed = 0;
        if (since == null) {
            JsonNode r = api.get("/api/v1/events" + query(filter, null, n));
            for (JsonNode e : r.path("events")) {
                line(out, e);
                if (count != null && ++printed >= count) return 0;
            }
            cursor = r.path("next").asLong();
        } else {
            cursor = since;
        }
        return followFrom(api, filter, cursor, printed, out);
    }

    private int followFrom(ApiClient api, EventFilter filter, long cursor, int printed, PrintWriter out) throws InterruptedException {
        PrintWriter err = client.err();
        long backoff = 250;
        boolean warned = false;
        while (true) {
            InputStream in;
            try {
                in = api.stream("/api/v1/events/stream" + query(filter, cursor, null), "text/event-stream");
            } catch (CairnException e) {
                if (e.code() != ErrorCode.UNREACHABLE && e.code() != ErrorCode.UNAVAILABLE && e.code() != ErrorCode.STORE_UNAVAILABLE) throw e;
                if (!warned) {
                    err.println("warning: " + e.getMessage() + "; retrying");
                    err.flush();
                    warned = true;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
                continue;
            }
            if (warned) {
                err.println("reconnected; continuing after event " + cursor);
                err.flush();
                warned = false;
            }
            backoff = 250;
            AtomicLong lastRead = new AtomicLong(System.nanoTime());
            Thread watchdog = Thread.ofVirtual().start(() -> closeWhenSilent(in, lastRead));
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String lineText;
                String data = null;
                while ((lineText = r.readLine()) != null) {
                    lastRead.set(System.nanoTime());
                    if (lineText.startsWith("data:")) {
                        data = lineText.substring(5).trim();
                    } else if (lineText.isEmpty() && data != null) {
                        JsonNode e = Json.tree(data.getBytes(StandardCharsets.UTF_8));
                        data = null;
                        line(out, e);
                        cursor = Math.max(cursor, e.path("seq").asLong());
                        if (count != null && ++printed >= count) return 0;
                    }
                }
            } catch (IOException e) {
                // the stream dropped (or went silent): reconnect from the cursor below
            } finally {
                watchdog.interrupt();
            }
            if (!warned) {
                err.println("warning: the event stream ended; reconnecting after event " + cursor);
                err.flush();
                warned = true;
            }
            Thread.sleep(backoff);
        }
    }

    /**
     * The server sends a comment at least every 15 s; a connection silent for {@link #SILENCE}
     * is half-open (the controller's machine vanished), so close it and reconnect elsewhere.
     */
    private static void closeWhenSilent(InputStream in, AtomicLong lastRead) {
        try {
            while (true) {
                Thread.sleep(1_000);
                if (System.nanoTime() - lastRead.get() > SILENCE.toNanos()) {
                    in.close();
                    return;
                }
            }
        } catch (InterruptedException | IOException e) {
            // the stream ended first
        }
    }

    static String query(EventFilter filter, Long since, Integer limit) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (filter.type() != null) q.add("type=" + enc(filter.type()));
        if (filter.subject() != null) q.add("subject=" + enc(filter.subject()));
        if (since != null) q.add("since=" + since);
        if (limit != null) q.add("limit=" + limit);
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private int print(JsonNode events) {
        if (json) return client.json(Json.MAPPER.createObjectNode().set("events", events));
        if (events.isEmpty()) return client.line("no events");
        Table t = new Table("SEQ", "TIME", "TYPE", "SUBJECT", "MESSAGE");
        for (JsonNode e : events) {
            t.row(e.path("seq").asText(), e.path("time").asText(), e.path("type").asText(), e.path("subject").asText(), e.path("message").asText());
        }
        return client.table(t);
    }

    private void line(PrintWriter out, JsonNode e) {
        if (json) {
            out.println(Json.string(e));
        } else {
            out.println(e.path("seq").asText() + "  " + e.path("time").asText() + "  " + e.path("type").asText() + "  "
                    + e.path("subject").asText() + "  " + e.path("message").asText());
        }
        out.flush();
    }
}
