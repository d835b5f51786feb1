// Conversion of OpenSSL's error queue to absl::Status.
#ifndef DATARUN_COMMON_OPENSSL_STATUS_H_
#define DATARUN_COMMON_OPENSSL_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace datarun {

// Drains this thread's OpenSSL error queue and returns an INTERNAL status
// "<context>: <openssl reason>[; <reason>...]" (or "<context>: unknown
// OpenSSL error" when the queue was empty). Call right after the failing
// OpenSSL function, on the same thread.
absl::Status OpenSslError(absl::string_view context);

// Same, with the given code (e.g. INVALID_ARGUMENT for unparsable PEM input).
absl::Status OpenSslError(absl::StatusCode code, absl::string_view context);

}  // namespace datarun

#endif  // DATARUN_COMMON_OPENSSL_STATUS_H_
