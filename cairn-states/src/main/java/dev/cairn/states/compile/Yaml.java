package dev.cairn.states.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * SLS YAML → plain Java values (LinkedHashMap, ArrayList, String, Integer, Boolean…), with
 * SnakeYAML's safe constructor and YAML 1.1 booleans as Salt reads them ({@code True}, {@code yes}).
 * Two deliberate differences from YAML 1.1: a leading-zero number such as {@code 0644} stays the
 * string "0644" (file modes), and dates stay strings. SnakeYAML directly rather than Jackson's
 * mapper keeps a local apply's start-up short.
 */
public final class Yaml {
    private Yaml() {}

    private static final class SlsResolver extends Resolver {
        private static final Pattern INT = Pattern.compile("^(?:[-+]?0b_*[0-1]+|[-+]?0x_*[0-9a-fA-F]+|[-+]?0|[-+]?[1-9][0-9_]*)$");
        private static final Pattern DECIMAL = Pattern.compile("^[-+]?(?:0|[1-9][0-9_]*)?\\.[0-9_]+(?:[eE][-+]?[0-9]+)?$");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, DECIMAL, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    private static LoaderOptions options() {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(true);
        o.setMaxAliasesForCollections(200);
        return o;
    }

    /**
     * Composes the node graph with SnakeYAML's parser and turns the plain cases (str, null, bool,
     * decimal int and float scalars, seq, map with distinct scalar keys, aliases) into values
     * itself, exactly as SnakeYAML's SafeConstructor does; any other document (explicit tags,
     * merge keys, duplicate or complex keys, hex/binary/underscored numbers, recursive aliases)
     * is constructed by SafeConstructor. Why: SafeConstructor's first use asks for a
     * System.Logger, and the JDK answers that by searching every jar on the class path for a
     * logger service, the biggest single start-up cost of a local apply.
     */
    public static Object load(String text) {
        Object v = loadPlain(text);
        return v == NOT_PLAIN ? loadWithSafeConstructor(text) : v;
    }

    /** Marks a document {@link #loadPlain} leaves to SafeConstructor. */
    static final Object NOT_PLAIN = new Object();

    /** The document's value, or {@link #NOT_PLAIN}; syntax errors throw SnakeYAML's exceptions. */
    static Object loadPlain(String text) {
        LoaderOptions o = options();
        Node root = new Composer(new ParserImpl(new StreamReader(text), o), new SlsResolver(), o).getSingleNode();
        if (root == null) return null;
        try {
            return new Plain().value(root);
        } catch (NotPlain e) {
            return NOT_PLAIN;
        }
    }

    /** SnakeYAML's own construction of the same document (the reference for {@link #load}). */
    static Object loadWithSafeConstructor(String text) {
        LoaderOptions o = options();
        DumperOptions d = new DumperOptions();
        return new org.yaml.snakeyaml.Yaml(new SafeConstructor(o), new Representer(d), d, o, new SlsResolver()).load(text);
    }

    private static final class NotPlain extends RuntimeException {
        NotPlain() { super(null, null, false, false); }
    }

    private static final Pattern PLAIN_INT = Pattern.compile("[-+]?(?:0|[1-9][0-9]{0,8})");
    private static final Pattern PLAIN_FLOAT = Pattern.compile("[-+]?[0-9]*\\.[0-9]+(?:[eE][-+]?[0-9]+)?");

    /** Node graph → values, SafeConstructor's results for the plain cases; {@link NotPlain} for the rest. */
    private static final class Plain {
        private final Map<Node, Object> done = new IdentityHashMap<>();
        private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

        Object value(Node n) {
            if (done.containsKey(n)) return done.get(n);
            if (!open.add(n)) throw new NotPlain(); // recursive structure
            Object v = switch (n) {
                case ScalarNode s -> scalar(s);
                case SequenceNode s -> {
                    if (!Tag.SEQ.equals(s.getTag())) throw new NotPlain();
                    List<Object> l = new ArrayList<>(s.getValue().size());
                    for (Node x : s.getValue()) l.add(value(x));
                    yield l;
                }
                case MappingNode m -> {
                    if (!Tag.MAP.equals(m.getTag()) || m.isMerged()) throw new NotPlain();
                    Map<Object, Object> map = new LinkedHashMap<>(m.getValue().size());
                    for (NodeTuple t : m.getValue()) {
                        if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.MERGE.equals(k.getTag())) throw new NotPlain();
                        Object key = value(k);
                        if (map.containsKey(key)) throw new NotPlain(); // SafeConstructor's duplicate-key rules
                        map.put(key, value(t.getValueNode()));
                    }
                    yield map;
                }
                default -> throw new NotPlain();
            };
            open.remove(n);
            done.put(n, v);
            return v;
        }

        private static Object scalar(ScalarNode s) {
            Tag tag = s.getTag();
            String v = s.getValue();
            if (Tag.STR.equals(tag)) return v;
            if (Tag.NULL.equals(tag)) return null;
            if (Tag.BOOL.equals(tag)) {
                return switch (v.toLowerCase()) {
                    case "yes", "true", "on" -> Boolean.TRUE;
                    case "no", "false", "off" -> Boolean.FALSE;
                    default -> null;
                };
            }
            if (Tag.INT.equals(tag) && PLAIN_INT.matcher(v).matches()) return Integer.valueOf(v);
            if (Tag.FLOAT.equals(tag) && PLAIN_FLOAT.matcher(v).matches()) {
                int sign = v.charAt(0) == '-' ? -1 : 1;
                String unsigned = v.charAt(0) == '-' || v.charAt(0) == '+' ? v.substring(1) : v;
                return Double.valueOf(unsigned) * sign;
            }
            throw new NotPlain();
        }
    }
}
