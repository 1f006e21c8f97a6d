package dev.cairn.instances;

import java.util.List;
import java.util.Optional;

/**
 * What installing an instance writes and runs, decided before anything is touched: the files to
 * write into the home (paths relative to it, checked not to escape it), the states to apply (SLS
 * text, rendered), and the service — or why the instance cannot run here.
 */
public record RenderedInstance(List<File> files, Optional<States> states, Optional<ServicePlan> service, String notRunnable) {
    public RenderedInstance {
        files = List.copyOf(files);
    }

    public record File(String path, byte[] content) {}

    public record States(String path, String sls) {}
}
