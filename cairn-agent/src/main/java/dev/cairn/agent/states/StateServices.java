package dev.cairn.agent.states;

import dev.cairn.agent.service.LogFiles;
import dev.cairn.agent.service.MonitorSpec;
import dev.cairn.agent.service.ServiceReport;
import dev.cairn.agent.service.ServiceSupervisor;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.core.storage.Sha256;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code service.running} / {@code service.dead} of cluster state runs on this node, through the
 * agent's own {@link ServiceSupervisor}: a service a state starts is supervised like a
 * deployment's (its own process group, output in a rotating {@code service.log}, a pid file by
 * which the next run of the agent adopts it instead of starting it twice), and restarted by the
 * supervisor when it fails, since no policy engine looks after it. They live under the
 * pseudo-deployment {@value #DEPLOYMENT} (not a valid deployment name, so no deployment can claim
 * them): {@code <agent data>/services/_states/<service>/}.
 */
public final class StateServices implements dev.cairn.states.exec.ServiceSupervisor {
    /** Where state services are kept, as the deployment the agent reports them in. */
    public static final String DEPLOYMENT = "_states";
    private static final Pattern SERVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** A service that exits this soon after starting failed to start (its state fails; it is not restarted). */
    static final Duration START_CHECK = Duration.ofMillis(200);

    private final ServiceSupervisor services;

    public StateServices(ServiceSupervisor services) {
        this.services = services;
    }

    /** The service id a state's name is kept under: the name itself when it is a valid id, else a safe form with a hash of the name. */
    public static String serviceId(String name) {
        if (SERVICE_ID.matcher(name).matches()) return name;
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        if (safe.length() > 45) safe = safe.substring(0, 45);
        return (safe.isEmpty() ? "service" : safe) + "-" + Sha256.of(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 12);
    }

    private Optional<ServiceReport> report(String name) {
        return services.report(DEPLOYMENT, serviceId(name));
    }

    @Override
    public boolean isRunning(String name) {
        return report(name).filter(r -> r.state().equals("running")).isPresent();
    }

    @Override
    public String start(ServiceSpec spec) {
        String id = serviceId(spec.name());
        List<String> argv = new ArrayList<>();
        if (spec.cwd() != null) argv.addAll(List.of("/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", spec.cwd())); // enter cwd, then be the command
        argv.addAll(spec.command());
        String hash = Sha256.of(Json.bytes(Map.of("command", argv, "env", spec.env())));
        ServiceReport r;
        try {
            r = services.start(new dev.cairn.agent.service.ServiceSpec(DEPLOYMENT, id, hash, argv, spec.env(), MonitorSpec.PROCESS, 0, true));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.OPERATION_FAILED, "cannot start service " + spec.name() + ": " + e.getMessage(), null);
        }
        if (exitedAtOnce(r.pid())) {
            services.stop(DEPLOYMENT, id); // not restarted: the state fails instead
            throw new CairnException(ErrorCode.OPERATION_FAILED, "service " + spec.name() + " exited at once",
                    "see " + LogFiles.current(services.serviceDir(DEPLOYMENT, id)));
        }
        return "pid " + r.pid();
    }

    private static boolean exitedAtOnce(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) return true;
        try {
            h.get().onExit().get(START_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    @Override
    public boolean stop(String name) {
        boolean running = isRunning(name);
        if (report(name).isPresent()) services.stop(DEPLOYMENT, serviceId(name));
        return running;
    }
}
