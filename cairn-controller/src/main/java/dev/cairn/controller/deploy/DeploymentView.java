package dev.cairn.controller.deploy;

import java.util.List;

/** {@code deployment show --json}: {@code {"name","services":[{"id","state","node","since"}]}}. */
public record DeploymentView(String name, List<ServiceView> services) {
    public DeploymentView {
        services = List.copyOf(services);
    }
}
