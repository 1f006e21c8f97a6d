package dev.cairn.policy.engine;

import dev.cairn.policy.Score;
import dev.cairn.policy.model.ExprDef;
import dev.cairn.policy.model.RuleDef;
import java.math.BigDecimal;

/** Evaluates location rules against node attributes (pe_eval_expr, attribute expressions only). */
final class Rules {
    private Rules() {}

    static boolean matches(RuleDef rule, NodeInfo node) {
        boolean and = !rule.or();
        for (ExprDef e : rule.expressions()) {
            boolean t = test(e, node);
            if (t && !and) return true;
            if (!t && and) return false;
        }
        return and;
    }

    /** get_node_score: the rule's score, or the node's value of the score attribute (-INFINITY if missing). */
    static int score(RuleDef rule, NodeInfo node) {
        if (rule.score() != null) return Score.parse(rule.score(), 0);
        if (rule.scoreAttribute() != null) {
            String v = node.attr(rule.scoreAttribute());
            return v == null ? -Score.INFINITY : Score.parse(v, 0);
        }
        return 0;
    }

    static boolean test(ExprDef e, NodeInfo node) {
        String l = node.attr(e.attribute());
        String r = e.value();
        String op = e.operation();
        if (op.equals("defined")) return l != null;
        if (op.equals("not_defined")) return l == null;
        int cmp = compare(l, r, e.type(), op);
        return switch (op) {
            case "eq" -> cmp == 0;
            case "ne" -> cmp != 0;
            default -> {
                if (l == null || r == null) yield false;
                yield switch (op) {
                    case "lt" -> cmp < 0;
                    case "lte" -> cmp <= 0;
                    case "gt" -> cmp > 0;
                    case "gte" -> cmp >= 0;
                    default -> false;
                };
            }
        };
    }

    private static int compare(String l, String r, String type, String op) {
        if (l == null && r == null) return 0;
        if (r == null) return 1;
        if (l == null) return -1;
        String t = type;
        if (t == null) {
            if (op.equals("lt") || op.equals("lte") || op.equals("gt") || op.equals("gte")) {
                t = (l.contains(".") || r.contains(".")) ? "number" : "integer";
            } else {
                t = "string";
            }
        }
        t = t.toLowerCase();
        if (t.equals("integer")) {
            try {
                return Long.compare(Long.parseLong(l.trim()), Long.parseLong(r.trim()));
            } catch (NumberFormatException ex) {
                return Integer.signum(l.compareToIgnoreCase(r));
            }
        }
        if (t.equals("number")) {
            try {
                return new BigDecimal(l.trim()).compareTo(new BigDecimal(r.trim()));
            } catch (NumberFormatException ex) {
                return Integer.signum(l.compareToIgnoreCase(r));
            }
        }
        return Integer.signum(l.compareToIgnoreCase(r));
    }
}
