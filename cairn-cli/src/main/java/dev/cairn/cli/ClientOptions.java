package dev.cairn.cli;

import dev.cairn.core.api.ApiClient;
import picocli.CommandLine.Option;

/** Options every client command shares. */
public final class ClientOptions {
    @Option(names = "--url", description = "Controller URL (default: $CAIRN_URL or http://127.0.0.1:7070).")
    String url;

    public ApiClient client() {
        return new ApiClient(url != null ? url : ApiClient.urlFromEnvironment());
    }
}
