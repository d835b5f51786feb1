// Loading protobuf text-format configuration files with errors that name the
// file, line and column, plus lookups of where a parsed field stood so that
// semantic validation can report "file:line: field: problem" too.
#ifndef DATARUN_COMMON_TEXTPROTO_FILE_H_
#define DATARUN_COMMON_TEXTPROTO_FILE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace datarun {

// A parsed text-format file: remembers the path and where every field stood.
// Immutable after Load; thread-compatible.
class TextProtoFile {
 public:
  // Parses `path` into `message` (which it does not own; it must outlive
  // nothing, it is only written during the call).
  // Errors:
  //   NOT_FOUND / PERMISSION_DENIED  the file cannot be read (path named);
  //   INVALID_ARGUMENT               a syntax error or unknown field:
  //                                  "<path>:<line>:<col>: <parser message>".
  static absl::StatusOr<std::unique_ptr<TextProtoFile>> Load(
      absl::string_view path, google::protobuf::Message* message);

  // Same, parsing `text` and naming it `path` in errors (for tests).
  static absl::StatusOr<std::unique_ptr<TextProtoFile>> Parse(
      absl::string_view path, absl::string_view text,
      google::protobuf::Message* message);

  const std::string& path() const { return path_; }

  // Returns "<path>:<line>" for the field `field_name` of `message` (which
  // must be `root` or a message nested inside it as parsed) at `index`
  // (-1 for a singular field). When that field is absent, the line of the
  // nearest enclosing field is used; "<path>" alone when nothing is known.
  // Use it to prefix semantic validation errors.
  std::string Where(
      const google::protobuf::Message& root,
      const std::vector<std::pair<std::string, int>>& field_path) const;

 private:
  explicit TextProtoFile(std::string path) : path_(std::move(path)) {}

  std::string path_;
  google::protobuf::TextFormat::ParseInfoTree tree_;
};

}  // namespace datarun

#endif  // DATARUN_COMMON_TEXTPROTO_FILE_H_
