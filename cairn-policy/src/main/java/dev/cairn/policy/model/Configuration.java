package dev.cairn.policy.model;

import java.util.List;
import java.util.Map;

/**
 * The desired side of a cluster: options, nodes, resources (in document order, which is
 * Pacemaker's tie-break among equal priorities) and constraints.
 */
public record Configuration(
        Map<String, String> clusterOptions,
        Map<String, String> resourceDefaults,
        Map<String, String> operationDefaults,
        List<NodeDef> nodes,
        List<ResourceDef> resources,
        List<LocationDef> locations,
        List<ColocationDef> colocations,
        List<OrderDef> orders) {

    public Configuration {
        clusterOptions = Map.copyOf(clusterOptions);
        resourceDefaults = Map.copyOf(resourceDefaults);
        operationDefaults = Map.copyOf(operationDefaults);
        nodes = List.copyOf(nodes);
        resources = List.copyOf(resources);
        locations = List.copyOf(locations);
        colocations = List.copyOf(colocations);
        orders = List.copyOf(orders);
    }

    public String option(String name, String dflt) {
        String v = clusterOptions.get(name);
        return v == null ? dflt : v;
    }
}
