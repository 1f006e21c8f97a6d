package dev.cairn.controller;

import dev.cairn.controller.events.EventOptions;
import java.time.Duration;

/**
 * How a controller runs.
 *
 * @param id               its id among the controllers
 * @param host             the address it listens on
 * @param port             its port (0 picks a free one)
 * @param heartbeatTimeout how long a node may go without a heartbeat before it is judged down
 * @param events           retention and forwarding of the event log
 * @param advertiseUrl     how other machines reach it (or a load balancer in front of every
 *                         controller); null: its own address (see {@link ControllerAssembly#advertised})
 */
public record ControllerConfig(String id, String host, int port, Duration heartbeatTimeout, EventOptions events, String advertiseUrl) {
    public ControllerConfig {
        if (events == null) events = EventOptions.defaults();
    }

    public ControllerConfig(String id, String host, int port, Duration heartbeatTimeout) {
        this(id, host, port, heartbeatTimeout, EventOptions.defaults(), null);
    }

    public static ControllerConfig defaults(String id, int port) {
        return new ControllerConfig(id, "127.0.0.1", port, Duration.ofSeconds(2));
    }

    public ControllerConfig withEvents(EventOptions e) {
        return new ControllerConfig(id, host, port, heartbeatTimeout, e, advertiseUrl);
    }

    public ControllerConfig withAdvertiseUrl(String url) {
        return new ControllerConfig(id, host, port, heartbeatTimeout, events, url);
    }
}
