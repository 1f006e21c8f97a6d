package dev.cairn.controller;

import dev.cairn.controller.http.Router;
import java.util.List;

/**
 * One part of the controller (nodes, events, the work channel, packages, deployments, modules,
 * state runs, instances), all wired the same way. A subsystem is constructed from the
 * {@link ControllerContext} and the other subsystems it uses (passed explicitly, in the order
 * {@link ControllerAssembly} builds them); {@link Controller#install} then registers its routes,
 * starts its {@link LeaderService}s on the leader, and closes it with the controller.
 *
 * <p>Its rules (see cairn-controller/README.md): it owns its store prefixes through one typed
 * repository; it writes every change together with its event ({@code EventLog.transact});
 * requests persist intent and answer, its leader services act; reads change nothing.
 */
public interface Subsystem {
    /** A short name, for logs. */
    String name();

    /** Registers the subsystem's HTTP routes. */
    void routes(Router router);

    /** Work only the leader does; started with the epoch when this controller leads, stopped when that is in doubt. */
    default List<LeaderService> leaderServices() {
        return List.of();
    }

    /** Releases what the subsystem opened (watches, threads); called once, when the controller closes. */
    default void close() {}
}
