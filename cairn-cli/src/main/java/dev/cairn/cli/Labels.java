package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

final class Labels {
    private Labels() {}

    /** Parses {@code k=v,k2=v2}. */
    static Map<String, String> parse(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return out;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new CairnException(ErrorCode.INVALID_INPUT, "label '" + part + "' is not key=value",
                        "write labels as --labels zone=a,disk=ssd");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }
}
