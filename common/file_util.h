// Small file helpers with absl::Status errors that name the path.
#ifndef DATARUN_COMMON_FILE_UTIL_H_
#define DATARUN_COMMON_FILE_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun {

// Returns the whole content of `path`. NOT_FOUND when it does not exist,
// PERMISSION_DENIED when it cannot be read, INTERNAL on other I/O errors.
absl::StatusOr<std::string> ReadFile(absl::string_view path);

// Writes `content` to `path` atomically: a temporary file in the same
// directory is written, fsync'ed and renamed over `path`, then the directory
// is fsync'ed. `mode` is the permission of the new file (e.g. 0600 for keys).
absl::Status WriteFileAtomically(absl::string_view path,
                                 absl::string_view content, int mode = 0644);

// Creates `path` and missing parents (like mkdir -p). OK if it exists.
absl::Status MakeDirs(absl::string_view path);

// Returns `path` unchanged when absolute or empty, otherwise joined to the
// directory part of `base_file` (how config files resolve relative paths).
std::string ResolvePath(absl::string_view base_file, absl::string_view path);

}  // namespace datarun

#endif  // DATARUN_COMMON_FILE_UTIL_H_
