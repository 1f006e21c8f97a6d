package dev.cairn.packages;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.events.EventDraft;
import java.time.Instant;

/**
 * The events of the package queues, each written in the transaction of the queue change it
 * describes (so it exists if and only if the change does). Types: {@code package.queued},
 * {@code package.processed}, {@code package.retried}, {@code package.failed},
 * {@code package.aborted}, {@code package.repaired}; the subject is the coordinate
 * {@code name@version}; the data is a {@link Data}.
 */
public final class PackageEvent {
    public static final String QUEUED = "package.queued";
    public static final String PROCESSED = "package.processed";
    public static final String RETRIED = "package.retried";
    public static final String FAILED = "package.failed";
    public static final String ABORTED = "package.aborted";
    public static final String REPAIRED = "package.repaired";

    private PackageEvent() {}

    /**
     * A package event's data; absent fields are left out. {@code operation} and {@code operationId}
     * name the queued operation, {@code row} and {@code state} the row of the package state table
     * it leaves the package in, {@code attempts}, {@code error} and {@code nextAttemptAt} describe a
     * failed attempt, {@code files} counts the files a repair removed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(OperationType operation, String operationId, String name, String version, Integer row, String state,
                       Integer attempts, String error, Instant nextAttemptAt, Integer files) {
        /** The operation's data: {@code operation}, {@code operationId}, {@code name}, {@code version}, and the state when given. */
        static Data of(OperationEntry op, PackageState state) {
            return new Data(op.operation(), op.id(), op.pkg().name(), op.pkg().version(), state == null ? null : state.row(),
                    state == null ? null : state.text(), null, null, null, null);
        }
    }

    private static EventDraft draft(String type, Coordinate c, String message, Data data) {
        return EventDraft.fitted(type, c.toString(), message, data);
    }

    /** {@code request} joined the queue; {@code now} is the state it put the package in. */
    public static EventDraft queued(OperationEntry request, PackageState now) {
        Coordinate c = request.coordinate();
        return draft(QUEUED, c, request.operation().label() + " of " + c + " queued (" + now.text() + ")",
                new Data(request.operation(), request.id(), null, null, now.row(), now.text(), null, null, null, null));
    }

    /** The operation succeeded and left the package in {@code now}. */
    static EventDraft processed(OperationEntry op, PackageState now) {
        Coordinate c = op.coordinate();
        return draft(PROCESSED, c, op.operation().label() + " of " + c + " succeeded", Data.of(op, now));
    }

    /** An Uninstall removed what the failed install {@code failed} left, and cleared its error. */
    static EventDraft aborted(OperationEntry op, ErrorEntry failed, PackageState now) {
        Coordinate c = op.coordinate();
        return draft(ABORTED, c, "aborted the failed " + failed.operation().label() + " of " + c
                + ": partial files removed, operation and error cleared", Data.of(op, now));
    }

    /** A corrupted row found while processing {@code op}, which resumes it (recorded with the change that resolves it). */
    static EventDraft resumed(OperationEntry op, PackageState found) {
        Coordinate c = op.coordinate();
        return draft(REPAIRED, c, "found " + c + " in row " + found.row() + " (" + found.text() + "), left by an interrupted "
                + op.operation().label() + "; resumed it", Data.of(op, found));
    }

    /** Attempt {@code attempts} failed with {@code error}; the next is due at {@code next}. */
    static EventDraft retried(OperationEntry op, int attempts, int maxAttempts, String error, Instant next) {
        Coordinate c = op.coordinate();
        return draft(RETRIED, c, op.operation().label() + " of " + c + " failed (attempt " + attempts + " of " + maxAttempts
                + "), retrying at " + next + ": " + error, failure(op, attempts, error, next));
    }

    /** The last attempt, number {@code attempts}, failed with {@code error}: the operation is dropped. */
    static EventDraft failed(OperationEntry op, int attempts, String error) {
        Coordinate c = op.coordinate();
        return draft(FAILED, c, op.operation().label() + " of " + c + " failed after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + ": " + error, failure(op, attempts, error, null));
    }

    private static Data failure(OperationEntry op, int attempts, String error, Instant next) {
        return new Data(op.operation(), op.id(), op.pkg().name(), op.pkg().version(), null, null, attempts, error, next, null);
    }

    /** Row 8 repaired: {@code files} partial files of {@code c} that no operation owned were removed. */
    static EventDraft orphansRemoved(Coordinate c, int files) {
        PackageState row8 = PackageStateTable.row(8);
        return draft(REPAIRED, c, "removed " + files + " partial files of " + c + " that no operation owned (row 8, " + row8.text() + ")",
                new Data(null, null, null, null, row8.row(), null, null, null, null, files));
    }
}
