package dev.cairn.states.compile;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
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

    public static Object load(String text) {
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(true);
        o.setMaxAliasesForCollections(200);
        DumperOptions d = new DumperOptions();
        return new org.yaml.snakeyaml.Yaml(new SafeConstructor(o), new Representer(d), d, o, new SlsResolver()).load(text);
    }
}
