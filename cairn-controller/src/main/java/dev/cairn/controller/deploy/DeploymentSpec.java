package dev.cairn.controller.deploy;

import dev.cairn.policy.model.ColocationDef;
import dev.cairn.policy.model.LocationDef;
import dev.cairn.policy.model.OrderDef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment as stored at {@code /deployments/<name>}: its services (in document order, the
 * scheduler's tie-break), constraints in the policy engine's model, cluster options and resource
 * defaults, and whether it is being deleted (its services are stopped first).
 */
public record DeploymentSpec(String name, List<ServiceDef> services, List<LocationDef> locations,
                             List<ColocationDef> colocations, List<OrderDef> orders, Map<String, String> options,
                             Map<String, String> resourceDefaults, boolean deleting) {
    public DeploymentSpec {
        services = List.copyOf(services);
        locations = locations == null ? List.of() : List.copyOf(locations);
        colocations = colocations == null ? List.of() : List.copyOf(colocations);
        orders = orders == null ? List.of() : List.copyOf(orders);
        options = options == null ? Map.of() : Map.copyOf(options);
        resourceDefaults = resourceDefaults == null ? Map.of() : Map.copyOf(resourceDefaults);
    }

    public Optional<ServiceDef> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public DeploymentSpec markDeleting() {
        return new DeploymentSpec(name, services, locations, colocations, orders, options, resourceDefaults, true);
    }
}
