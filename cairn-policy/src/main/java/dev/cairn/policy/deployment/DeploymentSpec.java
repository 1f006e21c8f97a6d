package dev.cairn.policy.deployment;

import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.OrderDef;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A deployment: its services (in document order, the scheduler's tie-break), constraints in the
 * policy engine's model, cluster options and resource defaults, and whether it is being deleted
 * (its services are stopped first). {@link DeploymentReader} reads it from a file; the controller
 * stores it as JSON at {@code /deployments/<name>}, and {@link DeploymentCib} turns it into the
 * scheduler's input. Maps are kept sorted, so the stored form is always the same bytes.
 */
public record DeploymentSpec(String name, List<ServiceDef> services, List<LocationDef> locations,
                             List<ColocationDef> colocations, List<OrderDef> orders, Map<String, String> options,
                             Map<String, String> resourceDefaults, boolean deleting) {
    public DeploymentSpec {
        services = List.copyOf(services);
        locations = locations == null ? List.of() : List.copyOf(locations);
        colocations = colocations == null ? List.of() : List.copyOf(colocations);
        orders = orders == null ? List.of() : List.copyOf(orders);
        options = sorted(options);
        resourceDefaults = sorted(resourceDefaults);
    }

    private static Map<String, String> sorted(Map<String, String> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(m));
    }

    public Optional<ServiceDef> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public DeploymentSpec markDeleting() {
        return new DeploymentSpec(name, services, locations, colocations, orders, options, resourceDefaults, true);
    }
}
