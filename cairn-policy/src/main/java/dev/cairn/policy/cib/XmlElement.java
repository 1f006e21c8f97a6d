package dev.cairn.policy.cib;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed XML element that remembers the line it started on. */
final class XmlElement {
    final String name;
    final Map<String, String> attrs = new LinkedHashMap<>();
    final List<XmlElement> children = new ArrayList<>();
    final int line;

    XmlElement(String name, int line) {
        this.name = name;
        this.line = line;
    }

    String attr(String key) { return attrs.get(key); }

    XmlElement child(String childName) {
        for (XmlElement c : children) if (c.name.equals(childName)) return c;
        return null;
    }

    List<XmlElement> children(String childName) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) if (c.name.equals(childName)) out.add(c);
        return out;
    }

    String describe() {
        String id = attrs.get("id");
        return "<" + name + (id == null ? "" : " id=\"" + id + "\"") + "> at line " + line;
    }
}
