package dev.cairn.controller.packages;

import dev.cairn.controller.ControllerContext;
import dev.cairn.controller.LeaderService;
import dev.cairn.controller.Subsystem;
import dev.cairn.controller.http.Router;
import dev.cairn.core.storage.PackageStorage;
import dev.cairn.packages.PackageService;
import dev.cairn.packages.universe.UriFetcher;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Packages (Distributed Publish): the package API and the operation processor, which only the
 * leader runs. Queue changes are written with their events through the controller's event log.
 */
public final class PackagesSubsystem implements Subsystem {
    private final PackageService packages;
    private final PackageProcessing processing;

    /**
     * @param assetBase where --with-assets installs point their assets: the advertised URL of the
     *                  controllers (asked when an install first needs it, once the port is bound)
     */
    public PackagesSubsystem(ControllerContext ctx, PackageStorage storage, Supplier<String> assetBase) {
        this.packages = new PackageService(ctx.store(), storage, ctx.events(), UriFetcher.DEFAULT, PackageService.Config.DEFAULT, ctx.clock());
        packages.assetBaseUrl(assetBase);
        this.processing = new PackageProcessing(packages, Duration.ofMillis(500), Duration.ofMinutes(1));
    }

    public PackageService service() { return packages; }

    @Override
    public String name() { return "packages"; }

    @Override
    public void routes(Router router) {
        PackagesApi.register(router, packages, processing::wake);
    }

    @Override
    public List<LeaderService> leaderServices() {
        return List.of(processing);
    }
}
