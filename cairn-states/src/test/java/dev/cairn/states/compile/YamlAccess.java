package dev.cairn.states.compile;

/** Test access to {@link Yaml}'s two readers. */
public final class YamlAccess {
    private YamlAccess() {}

    public static final Object NOT_PLAIN = Yaml.NOT_PLAIN;

    public static Object loadPlain(String text) { return Yaml.loadPlain(text); }

    public static Object loadWithSafeConstructor(String text) { return Yaml.loadWithSafeConstructor(text); }
}
