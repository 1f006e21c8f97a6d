package dev.cairn.packages;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One package event, before it is written (see {@link PackageEvents}): a dotted {@code type}, the
 * coordinate as {@code subject}, one line of {@code message} and a small {@code data} map.
 */
public record PackageEvent(String type, String subject, String message, Map<String, Object> data) {
    public static final String QUEUED = "package.queued";
    public static final String PROCESSED = "package.processed";
    public static final String RETRIED = "package.retried";
    public static final String FAILED = "package.failed";
    public static final String ABORTED = "package.aborted";
    public static final String REPAIRED = "package.repaired";

    public PackageEvent {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** {@code request} joined the queue; {@code now} is the state it put the package in. */
    public static PackageEvent queued(OperationEntry request, PackageState now) {
        Coordinate c = request.coordinate();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operation", request.operation().name());
        d.put("operationId", request.id());
        d.put("row", now.row());
        d.put("state", now.text());
        return new PackageEvent(QUEUED, c.toString(), request.operation().label() + " of " + c + " queued (" + now.text() + ")", d);
    }

    /** The operation's data: {@code operation}, {@code operationId}, {@code name}, {@code version}, and the state when given. */
    static Map<String, Object> data(OperationEntry op, PackageState state) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operation", op.operation().name());
        d.put("operationId", op.id());
        d.put("name", op.pkg().name());
        d.put("version", op.pkg().version());
        if (state != null) {
            d.put("row", state.row());
            d.put("state", state.text());
        }
        return d;
    }
}
