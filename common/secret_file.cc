#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun {
namespace {

std::string ParentDir(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

absl::Status ErrnoStatus(int err, std::string message) {
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM)
    return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(absl::string_view path,
                                           absl::string_view what) {
  std::string file(path);
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) {
    int err = errno;
    return ErrnoStatus(err,
                       absl::StrCat(what, " ", path, ": ", std::strerror(err)));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s %s has mode %04o: it must not be accessible to group or others "
        "(chmod 600 %s)",
        what, path, st.st_mode & 07777, path));
  }
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) {
    return absl::Status(content.status().code(),
                        absl::StrCat(what, ": ", content.status().message()));
  }
  return content;
}

absl::Status CreateSecretFile(absl::string_view path, absl::string_view content,
                              absl::string_view what) {
  const std::string file(path);
  const std::string parent = ParentDir(file);
  RETURN_IF_ERROR(MakeDirs(parent));
  // Written completely under a private name, then linked into place: link()
  // never replaces an existing file, so a concurrent creator's secret wins.
  const std::string tmp = absl::StrCat(file, ".new.", ::getpid());
  RETURN_IF_ERROR(WriteFileAtomically(tmp, content, 0600));
  int rc = ::link(tmp.c_str(), file.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(what, " ", path, " exists"));
    }
    return ErrnoStatus(err, absl::StrCat("cannot create ", what, " ", path,
                                         ": ", std::strerror(err)));
  }
  // The content is synced; make the new name durable too.
  int dir_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadOrCreateSecretFile(
    absl::string_view path, absl::string_view what,
    const std::function<absl::StatusOr<std::string>()>& make, bool* created) {
  if (created != nullptr) *created = false;
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": path is empty"));
  }
  absl::StatusOr<std::string> existing = ReadSecretFile(path, what);
  if (existing.status().code() != absl::StatusCode::kNotFound) return existing;
  ASSIGN_OR_RETURN(std::string fresh, make());
  absl::Status status = CreateSecretFile(path, fresh, what);
  if (status.ok()) {
    if (created != nullptr) *created = true;
    return fresh;
  }
  if (status.code() != absl::StatusCode::kAlreadyExists) return status;
  return ReadSecretFile(path, what);
}

}  // namespace datarun
