package backprop.serve;

/**
 * A request the server refuses: the status (4xx, or 503 when busy) and the message the page
 * shows. Thrown by a handler and answered as {@code {"error": message, "kind": kind}}.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String kind;
    /** Where in the program the error is, when it is about a program's line; else 0. */
    int line;
    int column;

    HttpError(int status, String kind, String message) {
        super(message, null, false, false);     // an answer, not a bug: no stack trace to fill in
        this.status = status;
        this.kind = kind;
    }

    /** 400: the request itself is malformed (not JSON, a field of the wrong type). */
    static HttpError badRequest(String message) {
        return new HttpError(400, "request", message);
    }

    /** 404: no such page, file or run. */
    static HttpError notFound(String message) {
        return new HttpError(404, "not-found", message);
    }

    /** 422: the program is well-formed JSON but exceeds a limit of the server. */
    static HttpError limit(String message) {
        return new HttpError(422, "limit", message);
    }
}
