package dev.cairn.controller.http;

import java.io.IOException;
import java.io.OutputStream;

/** What a handler answers. */
public sealed interface Reply {
    int status();

    /** A JSON body (any Jackson-serializable value). */
    record JsonReply(int status, Object body) implements Reply {}

    /** A text body with a content type. */
    record TextReply(int status, String contentType, String body) implements Reply {}

    /** A streamed body (server-sent events, logs): the writer runs until done or the client goes away. */
    record StreamReply(int status, String contentType, StreamWriter writer) implements Reply {}

    interface StreamWriter {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    static Reply ok(Object body) { return new JsonReply(200, body); }

    static Reply created(Object body) { return new JsonReply(201, body); }

    static Reply accepted(Object body) { return new JsonReply(202, body); }

    static Reply text(String contentType, String body) { return new TextReply(200, contentType, body); }
}
