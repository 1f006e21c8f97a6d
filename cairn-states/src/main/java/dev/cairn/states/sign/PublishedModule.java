package dev.cairn.states.sign;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.states.modules.Modules;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An extension module published to the cluster ({@code cairn module publish}). Either its bytes
 * and signature are in package storage ({@code source = "storage"}: {@code modules/<name>/<sha256>/module}
 * and {@code module.sig}), or it is served over http(s) ({@code source = "url"}: the executable at
 * {@code url}, its signature at {@code url + ".sig"}). {@code functions} lists the functions the
 * compiler accepts ({@code name.function}); empty means any. {@code sha256} is the digest of the
 * published bytes (null for a URL module). Agents trust none of this: they run a module only after
 * its signature verifies against their own trusted keys.
 */
public record PublishedModule(String name, String source, String url, String sha256, Long size, List<String> functions,
                              Instant publishedAt) {
    public static final String STORAGE = "storage";
    public static final String URL = "url";
    public static final String SIGNATURE_SUFFIX = ".sig";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern FUNCTION = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PublishedModule {
        functions = functions == null ? List.of() : List.copyOf(functions);
    }

    public boolean fromUrl() { return URL.equals(source); }

    /** Where a URL module's signature is served. */
    public String signatureUrl() { return url + SIGNATURE_SUFFIX; }

    /** A module name a state can use ({@code name.function}), and not one of the built-in modules. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CairnException(ErrorCode.INVALID_NAME, "module name '" + name
                    + "' is not allowed: use lower-case letters, digits and '_', starting with a letter (at most 63)",
                    "e.g. 'greet' or 'nginx_site'; states then call it as greet.FUNCTION");
        }
        Set<String> builtins = Modules.builtins().keySet();
        if (builtins.contains(name)) {
            throw new CairnException(ErrorCode.INVALID_NAME, "'" + name + "' is a built-in state module and cannot be replaced",
                    "choose another name (built-ins: " + String.join(", ", builtins) + ")");
        }
        return name;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static List<String> requireFunctions(List<String> functions) {
        for (String f : functions) {
            if (f == null || !FUNCTION.matcher(f).matches()) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "function name '" + f + "' is not allowed: use lower-case letters, digits and '_'",
                        "e.g. --function run --function present");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(functions));
    }

    /** An http(s) URL with a host; anything else is refused. */
    public static URI requireUrl(String url) {
        try {
            URI u = new URI(url);
            String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
            if ((s.equals("http") || s.equals("https")) && u.getHost() != null && u.getRawQuery() == null && u.getRawFragment() == null) return u;
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw new CairnException(ErrorCode.INVALID_INPUT, "'" + url + "' is not an http(s) URL of a module",
                "give http(s)://HOST/PATH (no query or fragment); its signature is fetched from the same URL + .sig");
    }
}
