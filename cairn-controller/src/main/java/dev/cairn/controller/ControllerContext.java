package dev.cairn.controller;

import dev.cairn.controller.nodes.NodeLiveness;
import dev.cairn.controller.nodes.NodeRegistry;
import dev.cairn.controller.work.WorkChannel;
import dev.cairn.core.events.EventLog;
import dev.cairn.core.store.CoordinationStore;
import dev.cairn.core.time.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * What every subsystem is given: the store, the event log every change is written with, the work
 * channel to the agents, the node registry and the leader's judgement of which nodes are up, time
 * (a clock and a scheduler: loops never sleep), metrics, the controller's configuration, and the
 * epoch work is queued with.
 *
 * @param epoch the epoch to queue work with: this controller's while it leads, else the one the
 *              leader published (agents refuse work of an older epoch)
 */
public record ControllerContext(ControllerConfig config, CoordinationStore store, EventLog events, WorkChannel work,
                                NodeRegistry nodes, NodeLiveness liveness, Clock clock, Scheduler scheduler, MeterRegistry metrics,
                                LongSupplier epoch) {}
