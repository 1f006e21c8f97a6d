package dev.cairn.policy.cib;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** SAX into {@link XmlElement}s with line numbers; external entities and DTDs are disabled. */
final class XmlTreeParser {
    private XmlTreeParser() {}

    static XmlElement parse(InputStream in, String source) {
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            SAXParser p = f.newSAXParser();
            Handler h = new Handler();
            p.parse(in, h);
            if (h.root == null) {
                throw new CairnException(ErrorCode.INVALID_INPUT, source + ": empty XML document", "pass a CIB XML file");
            }
            return h.root;
        } catch (SAXParseException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT,
                    source + ": malformed XML at line " + e.getLineNumber() + ": " + e.getMessage(),
                    "check the file is well-formed XML (a CIB as written by cibadmin --query)", e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, source + ": cannot parse XML: " + e.getMessage(),
                    "check the file is well-formed XML", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_INPUT, source + ": cannot read: " + e.getMessage(),
                    "check the path and permissions", e);
        }
    }

    private static final class Handler extends DefaultHandler {
        private Locator locator;
        private final Deque<XmlElement> stack = new ArrayDeque<>();
        XmlElement root;

        @Override
        public void setDocumentLocator(Locator l) { this.locator = l; }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
            XmlElement e = new XmlElement(qName, locator == null ? -1 : locator.getLineNumber());
            for (int i = 0; i < atts.getLength(); i++) e.attrs.put(atts.getQName(i), atts.getValue(i));
            if (stack.isEmpty()) root = e;
            else stack.peek().children.add(e);
            stack.push(e);
        }

        @Override
        public void endElement(String uri, String localName, String qName) { stack.pop(); }
    }
}
