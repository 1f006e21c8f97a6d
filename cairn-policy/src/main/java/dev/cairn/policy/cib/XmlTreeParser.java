package dev.cairn.policy.cib;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small, strict XML reader for CIBs into {@link XmlElement}s with line numbers: elements,
 * attributes, character and entity references, comments, processing instructions and CDATA.
 * Text content is ignored (a CIB keeps everything in attributes). DOCTYPEs are refused, so no
 * external entity is ever resolved. Much cheaper to start than the JDK's parser, which matters
 * for a command that runs once per invocation.
 */
final class XmlTreeParser {
    private final String s;
    private final String source;
    private int pos;
    private int line = 1;

    private XmlTreeParser(String s, String source) {
        this.s = s;
        this.source = source;
    }

    static XmlElement parse(InputStream in, String source) {
        String text;
        try {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, source + ": cannot read: " + e.getMessage(),
                    "check the path and permissions", e);
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        return new XmlTreeParser(text, source).document();
    }

    private CairnException error(String what) {
        return new CairnException(ErrorCode.INVALID_INPUT, source + ": malformed XML at line " + line + ": " + what,
                "check the file is well-formed XML (a CIB as written by cibadmin --query)");
    }

    private XmlElement document() {
        Deque<XmlElement> stack = new ArrayDeque<>();
        XmlElement root = null;
        int n = s.length();
        while (pos < n) {
            char c = s.charAt(pos);
            if (c != '<') {
                if (c == '\n') line++;
                else if (stack.isEmpty() && !Character.isWhitespace(c)) throw error("text outside the document element");
                pos++;
                continue;
            }
            if (s.startsWith("<!--", pos)) {
                skipPast("-->", "unterminated comment");
            } else if (s.startsWith("<?", pos)) {
                skipPast("?>", "unterminated processing instruction");
            } else if (s.startsWith("<![CDATA[", pos)) {
                if (stack.isEmpty()) throw error("CDATA outside the document element");
                skipPast("]]>", "unterminated CDATA section");
            } else if (s.startsWith("<!", pos)) {
                throw error("DOCTYPE and other declarations are not accepted");
            } else if (s.startsWith("</", pos)) {
                pos += 2;
                String name = name();
                skipSpace();
                expect('>');
                if (stack.isEmpty()) throw error("unexpected </" + name + ">");
                XmlElement open = stack.pop();
                if (!open.name.equals(name)) throw error("</" + name + "> closes <" + open.name + "> (line " + open.line + ")");
            } else {
                pos++;
                int startLine = line;
                String name = name();
                XmlElement e = new XmlElement(name, startLine);
                boolean selfClosing = false;
                while (true) {
                    skipSpace();
                    if (pos >= n) throw error("unterminated <" + name + ">");
                    char d = s.charAt(pos);
                    if (d == '>') {
                        pos++;
                        break;
                    }
                    if (d == '/') {
                        pos++;
                        expect('>');
                        selfClosing = true;
                        break;
                    }
                    String an = name();
                    skipSpace();
                    expect('=');
                    skipSpace();
                    if (e.attrs.put(an, value()) != null) throw error("attribute " + an + " repeated on <" + name + ">");
                }
                if (stack.isEmpty()) {
                    if (root != null) throw error("a second document element <" + name + ">");
                    root = e;
                } else {
                    stack.peek().children.add(e);
                }
                if (!selfClosing) stack.push(e);
            }
        }
        if (!stack.isEmpty()) throw error("<" + stack.peek().name + "> (line " + stack.peek().line + ") is never closed");
        if (root == null) throw new CairnException(ErrorCode.INVALID_INPUT, source + ": empty XML document", "pass a CIB XML file");
        return root;
    }

    private void skipPast(String end, String what) {
        int i = s.indexOf(end, pos);
        if (i < 0) throw error(what);
        countLines(pos, i + end.length());
        pos = i + end.length();
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) if (s.charAt(i) == '\n') line++;
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\n') line++;
            else if (c != ' ' && c != '\t' && c != '\r') return;
            pos++;
        }
    }

    private void expect(char c) {
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("expected '" + c + "'" + (pos < s.length() ? " but found '" + s.charAt(pos) + "'" : " at end of file"));
        }
        pos++;
    }

    private String name() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':' || c > 0x7f) pos++;
            else break;
        }
        if (pos == start) throw error("expected a name" + (pos < s.length() ? " but found '" + s.charAt(pos) + "'" : ""));
        return s.substring(start, pos);
    }

    private String value() {
        if (pos >= s.length()) throw error("expected a quoted attribute value");
        char q = s.charAt(pos);
        if (q != '"' && q != '\'') throw error("expected a quoted attribute value");
        int end = s.indexOf(q, pos + 1);
        if (end < 0) throw error("unterminated attribute value");
        String raw = s.substring(pos + 1, end);
        if (raw.indexOf('<') >= 0) throw error("'<' in an attribute value");
        countLines(pos, end);
        pos = end + 1;
        return raw.indexOf('&') < 0 ? normalize(raw) : normalize(unescape(raw));
    }

    /** Attribute-value normalization: tabs and line breaks become spaces. */
    private static String normalize(String v) {
        if (v.indexOf('\n') < 0 && v.indexOf('\t') < 0 && v.indexOf('\r') < 0) return v;
        return v.replace("\r\n", " ").replace('\n', ' ').replace('\t', ' ').replace('\r', ' ');
    }

    private String unescape(String v) {
        StringBuilder b = new StringBuilder(v.length());
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c != '&') {
                b.append(c);
                i++;
                continue;
            }
            int semi = v.indexOf(';', i);
            if (semi < 0) throw error("unterminated entity reference in an attribute value");
            String ent = v.substring(i + 1, semi);
            switch (ent) {
                case "amp" -> b.append('&');
                case "lt" -> b.append('<');
                case "gt" -> b.append('>');
                case "quot" -> b.append('"');
                case "apos" -> b.append('\'');
                default -> {
                    try {
                        int cp = ent.startsWith("#x") ? Integer.parseInt(ent.substring(2), 16)
                                : ent.startsWith("#") ? Integer.parseInt(ent.substring(1)) : -1;
                        if (cp < 0) throw error("unknown entity &" + ent + ";");
                        b.appendCodePoint(cp);
                    } catch (IllegalArgumentException e) {
                        throw error("bad character reference &" + ent + ";");
                    }
                }
            }
            i = semi + 1;
        }
        return b.toString();
    }
}
