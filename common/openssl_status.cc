#include "common/openssl_status.h"

#include <openssl/err.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace datarun {

absl::Status OpenSslError(absl::string_view context) {
  return OpenSslError(absl::StatusCode::kInternal, context);
}

absl::Status OpenSslError(absl::StatusCode code, absl::string_view context) {
  std::string reasons;
  unsigned long err;
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!reasons.empty()) reasons.append("; ");
    reasons.append(buf);
  }
  if (reasons.empty()) reasons = "unknown OpenSSL error";
  return absl::Status(code, absl::StrCat(context, ": ", reasons));
}

}  // namespace datarun
