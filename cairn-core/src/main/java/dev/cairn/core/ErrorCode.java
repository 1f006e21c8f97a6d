package dev.cairn.core;

/**
 * Every error a user can see: a stable code, the HTTP status the API answers with, the CLI exit
 * code, and a default message. Add new codes here; never reuse one for another meaning.
 */
public enum ErrorCode {
    BAD_REQUEST(400, 2, "bad request"),
    INVALID_NAME(400, 2, "invalid name"),
    INVALID_INPUT(400, 2, "invalid input"),
    UNAUTHENTICATED(401, 1, "authentication required"),
    FORBIDDEN(403, 1, "not allowed"),
    NOT_FOUND(404, 1, "not found"),
    CONFLICT(409, 1, "conflict"),
    ALREADY_EXISTS(409, 1, "already exists"),
    VERSION_CONFLICT(409, 1, "concurrent modification"),
    NOT_LEADER(503, 1, "this controller is not the leader"),
    UNAVAILABLE(503, 1, "service unavailable"),
    STORE_UNAVAILABLE(503, 1, "coordination store unavailable"),
    STORAGE_ERROR(500, 1, "package storage error"),
    TOO_LARGE(413, 2, "too large"),
    UNREACHABLE(502, 1, "remote endpoint unreachable"),
    UNSUPPORTED(422, 2, "unsupported"),
    COMPILE_ERROR(422, 2, "compile error"),
    OPERATION_FAILED(500, 1, "operation failed"),
    INTERNAL(500, 1, "internal error");

    private final int httpStatus;
    private final int exitCode;
    private final String defaultMessage;

    ErrorCode(int httpStatus, int exitCode, String defaultMessage) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
        this.defaultMessage = defaultMessage;
    }

    public int httpStatus() { return httpStatus; }

    /** Exit code for the CLI: 1 = the operation failed, 2 = bad usage or input. */
    public int exitCode() { return exitCode; }

    public String defaultMessage() { return defaultMessage; }

    /** Maps an HTTP status back to a code for clients that received an unknown error body. */
    public static ErrorCode fromName(String name, int httpStatus) {
        if (name != null) {
            for (ErrorCode c : values()) {
                if (c.name().equals(name)) return c;
            }
        }
        if (httpStatus == 401) return UNAUTHENTICATED;
        if (httpStatus == 403) return FORBIDDEN;
        if (httpStatus == 404) return NOT_FOUND;
        if (httpStatus == 409) return CONFLICT;
        if (httpStatus >= 400 && httpStatus < 500) return BAD_REQUEST;
        return INTERNAL;
    }
}
