// API errors as people read them. The gateway answers every failure with
//   {"error": {"code": "PERMISSION_DENIED", "grpc_code": 7,
//              "http_status": 403, "message": "role clerk may not ..."}}
// The server enforces roles; the UI only reflects its answer: the server's
// message is always shown (it names the rule), under a localized headline.
//
// Pure: no DOM; `t` is the i18n lookup (key -> text).

export class ApiError extends Error {
  constructor(httpStatus, code, message, grpcCode) {
    super(message || code || `HTTP ${httpStatus}`);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.code = code || '';
    this.grpcCode = grpcCode;
  }
}

// Builds an ApiError from an HTTP status and the response text (JSON error
// body or anything else, e.g. a proxy's HTML page).
export function parseErrorBody(httpStatus, text) {
  try {
    const j = JSON.parse(text);
    if (j && j.error) {
      return new ApiError(j.error.http_status || httpStatus, j.error.code, j.error.message,
        j.error.grpc_code);
    }
  } catch (e) {
    // not JSON: fall through
  }
  const snippet = String(text || '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return new ApiError(httpStatus, codeForStatus(httpStatus), snippet || `HTTP ${httpStatus}`);
}

// The gRPC code name the contract maps to an HTTP status (for non-JSON answers).
export function codeForStatus(status) {
  switch (status) {
    case 400: return 'INVALID_ARGUMENT';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'PERMISSION_DENIED';
    case 404: return 'NOT_FOUND';
    case 409: return 'ALREADY_EXISTS';
    case 413: return 'RESOURCE_EXHAUSTED';
    case 429: return 'RESOURCE_EXHAUSTED';
    case 501: return 'UNIMPLEMENTED';
    case 503: return 'UNAVAILABLE';
    case 504: return 'DEADLINE_EXCEEDED';
    default: return status >= 500 ? 'INTERNAL' : 'UNKNOWN';
  }
}

// i18n key of the headline for an error.
export function headlineKey(err) {
  if (!err || !(err instanceof ApiError)) return 'err.network';
  switch (err.httpStatus) {
    case 400: return 'err.invalid';
    case 401: return 'err.unauthenticated';
    case 403: return 'err.forbidden';
    case 404: return 'err.not_found';
    case 409: return 'err.conflict';
    case 413: return 'err.too_large';
    case 429: return 'err.rate_limited';
    case 503: return 'err.unavailable';
    case 504: return 'err.timeout';
    default: return err.httpStatus >= 500 ? 'err.server' : 'err.other';
  }
}

// Returns {headline, detail, code, status} for display. `detail` is the
// server's own message (or the network error's), never dropped.
export function describeError(err, t) {
  const key = headlineKey(err);
  const headline = t ? t(key) : key;
  if (err instanceof ApiError) {
    return { headline, detail: err.message, code: err.code, status: err.httpStatus };
  }
  return { headline, detail: (err && err.message) || String(err), code: '', status: 0 };
}
