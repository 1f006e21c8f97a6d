package dev.cairn.states.compile;

import java.util.List;
import java.util.Map;

/**
 * One compiled state (Salt's "low chunk"): an ID's declaration for one module function and one
 * name. {@code args} holds every non-requisite argument (including {@code name}); {@code order}
 * is the normalised order value Salt sorts by.
 */
public record Chunk(
        int index,
        String id,
        String sls,
        List<String> includedFrom,
        String module,
        String function,
        String name,
        Map<String, Object> args,
        double order,
        Map<ReqType, List<Object>> requisites,
        boolean failhard) {

    /** Salt's tag: {@code module_|-id_|-name_|-function}. */
    public String tag() { return module + "_|-" + id + "_|-" + name + "_|-" + function; }

    /** {@code module.function}. */
    public String fullName() { return module + "." + function; }

    /** Salt's {@code SLS.ID} used in "One or more requisite failed" comments. */
    public String slsId() { return sls + "." + id; }
}
