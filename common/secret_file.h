// Files holding secrets (HMAC keys, signing keys): readable by the owner
// only, created once and never silently replaced.
#ifndef DATARUN_COMMON_SECRET_FILE_H_
#define DATARUN_COMMON_SECRET_FILE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun {

// Returns the content of the secret file `path`. `what` names the file in
// errors ("audit key file"). Errors: NOT_FOUND when missing,
// PERMISSION_DENIED when unreadable, FAILED_PRECONDITION when group or
// others may access it (the message says how to fix it).
absl::StatusOr<std::string> ReadSecretFile(absl::string_view path,
                                           absl::string_view what);

// Creates `path` (and missing parent directories) holding `content` with
// mode 0600. The content is synced before the file appears under its name,
// and an existing file is never replaced: ALREADY_EXISTS when `path`
// exists (for instance because another process created it first).
absl::Status CreateSecretFile(absl::string_view path, absl::string_view content,
                              absl::string_view what);

// Reads `path`, or, when it does not exist, creates it with the content
// `make` returns and returns that. When another process creates the file
// between the two steps, its content wins and is returned. `*created` (may
// be null) tells whether this call created the file.
absl::StatusOr<std::string> ReadOrCreateSecretFile(
    absl::string_view path, absl::string_view what,
    const std::function<absl::StatusOr<std::string>()>& make,
    bool* created = nullptr);

}  // namespace datarun

#endif  // DATARUN_COMMON_SECRET_FILE_H_
