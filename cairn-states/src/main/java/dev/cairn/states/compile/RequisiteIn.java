package dev.cairn.states.compile;

import dev.cairn.states.compile.HighData.Arg;
import dev.cairn.states.compile.HighData.IdBlock;
import dev.cairn.states.compile.HighData.StateDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Salt's requisite_in + reconcile_extend: every {@code *_in} requisite is rewritten into the
 * forward form on its target ("extend"). Works on a private copy of the high data.
 */
final class RequisiteIn {
    private final List<IdBlock> blocks;
    private final Map<String, IdBlock> byId = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    private record Ext(String sls, LinkedHashMap<String, List<Arg>> states) {}

    private RequisiteIn(List<IdBlock> blocks) {
        this.blocks = blocks;
        for (IdBlock b : blocks) byId.put(b.id(), b);
    }

    static List<String> apply(List<IdBlock> blocks) {
        RequisiteIn r = new RequisiteIn(blocks);
        r.run();
        return r.errors;
    }

    private void run() {
        LinkedHashMap<String, Ext> extend = new LinkedHashMap<>();
        for (IdBlock block : blocks) {
            for (StateDecl decl : block.states()) {
                for (Arg arg : List.copyOf(decl.args())) {
                    Optional<ReqType> in = ReqType.ofInKey(arg.key());
                    if (in.isEmpty()) continue;
                    String rkey = in.get().key();
                    List<String[]> hinges = new ArrayList<>();
                    if (arg.value() instanceof Map<?, ?> m) {
                        for (Map.Entry<?, ?> e : m.entrySet()) hinges.add(new String[] {String.valueOf(e.getValue()), stripDot(String.valueOf(e.getKey()), rkey, block)});
                    } else if (arg.value() instanceof List<?> items) {
                        for (Object ind : items) {
                            String pstate;
                            String pname;
                            if (ind instanceof Map<?, ?> m && !m.isEmpty()) {
                                Map.Entry<?, ?> e = m.entrySet().iterator().next();
                                pstate = String.valueOf(e.getKey());
                                pname = String.valueOf(e.getValue());
                            } else if (ind != null) {
                                String s = String.valueOf(ind);
                                IdBlock target = byId.get(s);
                                if (target != null && !target.states().isEmpty()) {
                                    pstate = target.states().get(0).module();
                                    pname = s;
                                } else {
                                    String[] found = findByName(s);
                                    if (found == null) continue;
                                    pname = found[0];
                                    pstate = found[1];
                                }
                            } else {
                                continue;
                            }
                            if (pstate.equals("sls")) {
                                for (IdBlock b : blocks) {
                                    if (b.sls().equals(pname) && !b.states().isEmpty()) hinges.add(new String[] {b.id(), b.states().get(0).module()});
                                }
                            } else {
                                hinges.add(new String[] {pname, stripDot(pstate, rkey, block)});
                            }
                        }
                    }
                    for (String[] h : hinges) {
                        Ext ext = extend.computeIfAbsent(h[0], k -> new Ext(block.sls(), new LinkedHashMap<>()));
                        List<Arg> run = ext.states().computeIfAbsent(h[1], k -> new ArrayList<>());
                        Map<String, Object> ref = new LinkedHashMap<>();
                        ref.put(decl.module(), block.id());
                        boolean merged = false;
                        for (int i = 0; i < run.size(); i++) {
                            if (run.get(i).key().equals(rkey)) {
                                @SuppressWarnings("unchecked") List<Object> l = (List<Object>) run.get(i).value();
                                l.add(ref);
                                merged = true;
                            }
                        }
                        if (!merged) run.add(new Arg(rkey, new ArrayList<>(List.of(ref))));
                    }
                }
            }
        }
        reconcile(extend);
    }

    private String stripDot(String state, String rkey, IdBlock block) {
        int dot = state.indexOf('.');
        if (dot < 0) return state;
        return state.substring(0, dot);
    }

    /** A state whose {@code name} argument equals {@code name}: {id, module}, or null. */
    private String[] findByName(String name) {
        String[] found = null;
        for (IdBlock b : blocks) {
            for (StateDecl d : b.states()) {
                for (Arg a : d.args()) if (a.key().equals("name") && name.equals(String.valueOf(a.value()))) found = new String[] {b.id(), d.module()};
            }
        }
        return found;
    }

    private void reconcile(LinkedHashMap<String, Ext> extend) {
        for (Map.Entry<String, Ext> e : extend.entrySet()) {
            String name = e.getKey();
            Ext body = e.getValue();
            String stateType = body.states().keySet().iterator().next();
            IdBlock target = byId.get(name);
            if (target == null || decl(target, stateType) == null) {
                List<IdBlock> ids = new ArrayList<>();
                for (IdBlock b : blocks) {
                    StateDecl d = decl(b, stateType);
                    if (d == null) continue;
                    for (Arg a : d.args()) if (a.key().equals("name") && name.equals(String.valueOf(a.value()))) { ids.add(b); break; }
                }
                if (ids.size() != 1) {
                    errors.add("Cannot extend ID '" + name + "' in 'base:" + body.sls() + "'. It is not part of the high state.\n"
                            + "This is likely due to a missing include statement or an incorrectly typed ID.\n"
                            + "Ensure that a state with an ID of '" + name + "' is available\n"
                            + "in environment 'base' and to SLS '" + body.sls() + "'");
                    continue;
                }
                target = ids.get(0);
            }
            for (Map.Entry<String, List<Arg>> se : body.states().entrySet()) {
                StateDecl d = decl(target, se.getKey());
                if (d == null) {
                    target.states().add(new StateDecl(se.getKey(), List.of(), se.getValue()));
                    continue;
                }
                for (Arg arg : se.getValue()) {
                    boolean updated = false;
                    for (int i = 0; i < d.args().size(); i++) {
                        Arg have = d.args().get(i);
                        if (!have.key().equals(arg.key())) continue;
                        if (ReqType.ofKey(arg.key()).isPresent() && have.value() instanceof List<?> l) {
                            List<Object> merged = new ArrayList<>(l);
                            merged.addAll((List<?>) arg.value());
                            d.args().set(i, new Arg(have.key(), merged));
                        } else {
                            d.args().set(i, arg);
                        }
                        updated = true;
                    }
                    if (!updated) d.args().add(arg);
                }
            }
        }
    }

    private static StateDecl decl(IdBlock b, String module) {
        for (StateDecl d : b.states()) if (d.module().equals(module)) return d;
        return null;
    }
}
