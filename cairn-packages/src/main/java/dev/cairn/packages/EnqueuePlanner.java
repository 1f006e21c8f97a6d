package dev.cairn.packages;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;

/**
 * Decides, purely, whether a request may join the operation queue given what the queues and storage
 * hold for its coordinate. Installing what is installed (rows 18/20) and uninstalling what is not
 * (row 6) are user errors answered at once; a pending operation refuses a second one, except that an
 * Uninstall takes over an install that is failing (the "Abort Failed Install" rows).
 */
public final class EnqueuePlanner {
    private EnqueuePlanner() {}

    public sealed interface Decision {
        record Queue(OperationEntry entry) implements Decision {}

        record Refuse(CairnException error) implements Decision {}
    }

    public static Decision decide(OperationEntry request, QueueView seen, Completeness storage) {
        Coordinate c = request.coordinate();
        PackageState now = seen.state(storage);
        if (seen.operation().isPresent()) {
            OperationEntry pending = seen.operation().get();
            boolean failingInstall = pending.operation().isInstall() && seen.hasError();
            if (request.operation() == OperationType.UNINSTALL && failingInstall) {
                return new Decision.Queue(request);
            }
            return new Decision.Refuse(pendingConflict(c, pending, now));
        }
        if (request.operation().isInstall()) {
            if (now.group() == StateGroup.INSTALLED) {
                PackageState would = PackageStateTable.state(java.util.Optional.of(request.operation()), false, Completeness.ALL);
                return new Decision.Refuse(new CairnException(ErrorCode.CONFLICT,
                        c + " is already installed (" + would.text() + ", row " + would.row() + ")",
                        "uninstall it first with 'cairn package uninstall " + c + "'"));
            }
            return new Decision.Queue(request);
        }
        if (storage == Completeness.NONE && !seen.hasError()) {
            PackageState would = PackageStateTable.state(java.util.Optional.of(request.operation()), false, storage);
            return new Decision.Refuse(new CairnException(ErrorCode.CONFLICT,
                    c + " is not installed (" + would.text() + ", row " + would.row() + ")",
                    "see installed packages with 'cairn package state'"));
        }
        return new Decision.Queue(request);
    }

    /** The answer when an operation for the coordinate is already queued: what is pending and in what state. */
    public static CairnException pendingConflict(Coordinate c, OperationEntry pending, PackageState now) {
        return new CairnException(ErrorCode.CONFLICT,
                "a " + pending.operation().label() + " of " + c + " is already pending (" + now.text() + ", row " + now.row() + ")",
                pending.operation().isInstall()
                        ? "wait for it ('cairn package state'); an uninstall can abort it only once it has failed"
                        : "wait for the uninstall to finish ('cairn package state')");
    }
}
