package dev.cairn.core;

/**
 * The one exception type users see: an {@link ErrorCode}, a one-line message naming what is wrong,
 * and a hint saying what to do about it. The CLI prints message and hint, never a stack trace.
 */
public class CairnException extends RuntimeException {
    private final ErrorCode code;
    private final String hint;

    public CairnException(ErrorCode code, String message, String hint) {
        super(message == null ? code.defaultMessage() : message);
        this.code = code;
        this.hint = hint;
    }

    public CairnException(ErrorCode code, String message, String hint, Throwable cause) {
        super(message == null ? code.defaultMessage() : message, cause);
        this.code = code;
        this.hint = hint;
    }

    public static CairnException of(ErrorCode code, String message) {
        return new CairnException(code, message, null);
    }

    public ErrorCode code() { return code; }

    public String hint() { return hint; }

    /** The JSON error body of the HTTP API: {@code {code, message, hint}}. */
    public ErrorBody body() { return new ErrorBody(code.name(), getMessage(), hint); }

    public record ErrorBody(String code, String message, String hint) {}
}
