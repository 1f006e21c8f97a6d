package dev.cairn.controller.modules;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.storage.PackageStorage;

/** Signed extension modules: their bytes and signatures in package storage, the manifests in the store. */
public final class ModulesSubsystem implements Subsystem {
    private final ModuleStore modules;

    public ModulesSubsystem(ControllerContext ctx, PackageStorage storage) {
        this.modules = new ModuleStore(ctx.store(), storage, ctx.events(), ctx.clock());
    }

    public ModuleStore store() { return modules; }

    @Override
    public String name() { return "modules"; }

    @Override
    public void routes(Router router) {
        ModulesApi.register(router, modules);
    }
}
