package dev.cairn.controller.events;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a controller runs its event log, from the CLI flags {@code --events-retain-count N},
 * {@code --events-retain-age DURATION}, {@code --events-file PATH} and
 * {@code --events-syslog [HOST[:PORT]]}.
 *
 * @param retention    what the leader keeps
 * @param trimInterval how often the leader trims
 * @param file         forward every event as a JSON line to this file
 * @param fsync        when the file is forced to disk
 * @param syslog       forward every event to this syslog receiver (UDP, RFC 5424)
 * @param heartbeat    comment interval on idle event streams
 */
public record EventOptions(RetentionPolicy retention, Duration trimInterval, Optional<Path> file, JsonLinesFileSink.Fsync fsync,
                           Optional<InetSocketAddress> syslog, Duration heartbeat) {
    public static final String DEFAULT_SYSLOG = "127.0.0.1:" + SyslogSink.DEFAULT_PORT;
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    public static EventOptions defaults() {
        return new EventOptions(RetentionPolicy.DEFAULT, Duration.ofSeconds(30), Optional.empty(), JsonLinesFileSink.Fsync.BATCH,
                Optional.empty(), EventsApi.DEFAULT_HEARTBEAT);
    }

    /** From the CLI flags; null means the flag was not given. {@code syslog} "" means the default 127.0.0.1:514. */
    public static EventOptions fromFlags(String file, String syslog, Integer retainCount, String retainAge) {
        EventOptions d = defaults();
        RetentionPolicy r = new RetentionPolicy(retainCount == null ? d.retention().maxCount() : retainCount,
                retainAge == null ? d.retention().maxAge() : duration("--events-retain-age", retainAge));
        Optional<Path> f = Optional.empty();
        if (file != null) {
            if (file.isBlank()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "--events-file is empty", "give the path of a file to append JSON lines to");
            }
            f = Optional.of(Path.of(file).toAbsolutePath());
        }
        return new EventOptions(r, d.trimInterval(), f, d.fsync(), syslog == null ? Optional.empty() : Optional.of(hostPort(syslog)), d.heartbeat());
    }

    public EventOptions withRetention(RetentionPolicy r) {
        return new EventOptions(r, trimInterval, file, fsync, syslog, heartbeat);
    }

    /** {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 500ms}, or ISO-8601 such as {@code P7D}. */
    public static Duration duration(String option, String value) {
        String v = value == null ? "" : value.trim();
        Matcher m = SHORT.matcher(v);
        try {
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                d = Duration.parse(v.toUpperCase().startsWith("P") ? v : "?");
            }
            if (!d.isNegative() && !d.isZero()) return d;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw new CairnException(ErrorCode.INVALID_INPUT, option + " '" + value + "' is not a positive duration",
                "write it like 30m, 12h, 7d or P7D");
    }

    /** {@code HOST[:PORT]} (port 514 when left out; an empty value is 127.0.0.1:514; IPv6 as {@code [::1]:514}). */
    public static InetSocketAddress hostPort(String value) {
        String v = value.trim();
        if (v.isEmpty()) v = DEFAULT_SYSLOG;
        String host = v;
        String port = null;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close > 0) {
                host = v.substring(1, close);
                if (v.length() > close + 1) port = v.charAt(close + 1) == ':' ? v.substring(close + 2) : "x";
            }
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        }
        int p = SyslogSink.DEFAULT_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
        }
        if (host.isBlank() || p < 1 || p > 65535) {
            throw new CairnException(ErrorCode.INVALID_INPUT, "--events-syslog '" + value + "' is not HOST[:PORT]",
                    "give e.g. 127.0.0.1:514 or logs.example.com (UDP port 514 by default)");
        }
        return InetSocketAddress.createUnresolved(host, p);
    }
}
