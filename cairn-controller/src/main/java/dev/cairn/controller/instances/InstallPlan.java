package dev.cairn.controller.instances;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.instances.AppPackage;
import dev.cairn.instances.InstanceRecord;
import dev.cairn.instances.InstanceRef;
import dev.cairn.instances.InstanceRenderer;
import dev.cairn.instances.Layout;
import dev.cairn.instances.RenderedInstance;
import dev.cairn.instances.ServicePlan;
import dev.cairn.states.source.SlsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an install makes of a staged package: the rendered instance (config files, service) and
 * the {@code instance.states} run with its target. Rendering is pure and deterministic, so the
 * request that records an install checks it and the leader that carries the install out renders
 * the same again (also after a failover).
 */
record InstallPlan(Path home, RenderedInstance rendered, Optional<SlsTree> states, String target) {

    /** Renders {@code pkg} for {@code ref} with the resolved {@code options}; every config path must stay inside the home. */
    static InstallPlan render(AppPackage pkg, InstanceRef ref, JsonNode options, AppPackage.Files files) {
        RenderedInstance rendered = InstanceRenderer.render(pkg, ref, options, files);
        Path home = Path.of(ref.home());
        for (RenderedInstance.File f : rendered.files()) Layout.inside(home, f.path(), "config path");
        Optional<SlsTree> states = rendered.states().map(s -> new SlsTree(Map.of("instance", s.sls()), List.of("instance"),
                "instance " + ref.key() + " (" + ref.app() + "@" + ref.version() + ") " + s.path()));
        String target = rendered.service().flatMap(s -> s.placements().stream().findFirst()).map(ServicePlan.Placement::target).orElse("*");
        return new InstallPlan(home, rendered, states, target);
    }

    /** The plan of a recorded install, from its stage and the options recorded with it. */
    static InstallPlan of(Stages stages, InstanceRecord r) {
        Path stage = stages.layout().stage(r.app(), r.version());
        if (!Files.isDirectory(stage)) {
            throw new CairnException(ErrorCode.NOT_FOUND, r.app() + "@" + r.version() + " is no longer staged (" + stage + ")",
                    "install it again: 'cairn instance install " + r.app() + "@" + r.version() + " --role " + r.role() + " --id " + r.id() + "'");
        }
        InstanceRef ref = new InstanceRef(r.app(), r.version(), r.role(), r.id(), r.basedir(), r.home(), stage.toString());
        return render(stages.load(r.app(), r.version()), ref, r.options(), Stages.files(stage));
    }

    /** Writes the rendered files below the home, refusing any that would land outside it (links included). */
    void writeHome() {
        try {
            Files.createDirectories(home);
            Path realHome = home.toRealPath();
            for (RenderedInstance.File f : rendered.files()) {
                Path dest = Layout.inside(home, f.path(), "config path");
                Files.createDirectories(dest.getParent());
                if (!dest.getParent().toRealPath().startsWith(realHome) || Files.isSymbolicLink(dest)) {
                    throw new CairnException(ErrorCode.INVALID_INPUT, "config path '" + f.path() + "' escapes " + home + " through a link",
                            "links inside an instance home may not point outside it");
                }
                Path tmp = dest.resolveSibling("." + dest.getFileName() + ".tmp");
                Files.write(tmp, f.content());
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw Stages.io("cannot write the instance home " + home, e);
        }
    }
}
