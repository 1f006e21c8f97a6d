package dev.cairn.controller.events;

import dev.cairn.core.events.Event;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Sends each event as one RFC 5424 syslog message over UDP (RFC 5426), default 127.0.0.1:514:
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME cairn PROCID MSGID [cairn@32473 seq="42" subject="node-1"] BOM{event JSON}
 * </pre>
 * Facility local0; severity err for types ending in {@code .failed}/{@code .error}, warning for
 * {@code .down}/{@code .lost}/{@code .timeout}, info otherwise. MSGID is the type (cut to 32
 * characters), the structured-data id uses the documentation enterprise number 32473 (RFC 5612).
 * Datagrams over {@value #MAX_DATAGRAM} bytes drop {@code data}. UDP gives no delivery guarantee.
 */
public final class SyslogSink implements EventSink {
    public static final int DEFAULT_PORT = 514;
    public static final int MAX_DATAGRAM = 8192;
    private static final int LOCAL0 = 16;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InetSocketAddress target;
    private final String hostname;
    private final String procId;
    private DatagramSocket socket;

    public SyslogSink(InetSocketAddress target) {
        this.target = target;
        this.hostname = localHostname();
        this.procId = Long.toString(ProcessHandle.current().pid());
    }

    @Override
    public String name() { return "syslog"; }

    public InetSocketAddress target() { return target; }

    @Override
    public synchronized void write(List<Event> events) throws IOException {
        if (socket == null) socket = new DatagramSocket();
        InetSocketAddress to = target.isUnresolved() ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
        if (to.isUnresolved()) throw new UnknownHostException("cannot resolve syslog host " + target.getHostString());
        for (Event e : events) {
            byte[] b = format(e, hostname, procId);
            socket.send(new DatagramPacket(b, b.length, to));
        }
    }

    /** The RFC 5424 message for one event. */
    static byte[] format(Event e, String hostname, String procId) {
        byte[] msg = e.toJsonLine().getBytes(StandardCharsets.UTF_8);
        String header = "<" + (LOCAL0 * 8 + severity(e.type())) + ">1 " + e.time().truncatedTo(ChronoUnit.MICROS) + " "
                + printable(hostname, 255) + " cairn " + printable(procId, 128) + " " + printable(e.type(), 32)
                + " [cairn@32473 seq=\"" + e.seq() + "\" subject=\"" + escape(e.subject()) + "\"] ";
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        if (head.length + BOM.length + msg.length > MAX_DATAGRAM) {
            Event small = new Event(e.seq(), e.time(), e.type(), e.subject(), e.message(), null);
            var j = small.toJson();
            j.put("dataTruncated", true);
            msg = j.toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[head.length + BOM.length + msg.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(BOM, 0, out, head.length, BOM.length);
        System.arraycopy(msg, 0, out, head.length + BOM.length, msg.length);
        return out;
    }

    static int severity(String type) {
        String last = type.substring(type.lastIndexOf('.') + 1);
        return switch (last) {
            case "failed", "error" -> 3;
            case "down", "lost", "timeout" -> 4;
            default -> 6;
        };
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} characters, "-" when empty. */
    private static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }

    /** A structured-data parameter value: '"', '\' and ']' escaped with '\'. */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "-";
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) socket.close();
        socket = null;
    }

}
