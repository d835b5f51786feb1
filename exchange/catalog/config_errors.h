// Collecting semantic errors of a text-format configuration file, each
// prefixed with "<file>:<line>: <field path>: ".
#ifndef DATARUN_EXCHANGE_CATALOG_CONFIG_ERRORS_H_
#define DATARUN_EXCHANGE_CATALOG_CONFIG_ERRORS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/textproto_file.h"
#include "google/protobuf/message.h"

namespace datarun::catalog {

// A path from the root message to one field: (field name, index) pairs,
// index -1 for a singular field. {{"datasets", 3}, {"fields", 2},
// {"masking", -1}} reads "datasets[3].fields[2].masking".
using FieldPath = std::vector<std::pair<std::string, int>>;

// Returns the dotted rendering of `path` shown above.
std::string FieldPathString(const FieldPath& path);

// Returns `path` extended by one field.
FieldPath Child(const FieldPath& path, absl::string_view name, int index = -1);

// Accumulates every validation error of one file so that an operator sees
// all of them at once. Not thread-safe; use it inside one validation call.
class ConfigErrors {
 public:
  // At most this many errors are spelled out; the rest are counted.
  static constexpr int kMaxReported = 20;

  // Neither `file` nor `root` is owned; both must outlive this object.
  // `root` is the message `file` was parsed into.
  ConfigErrors(const TextProtoFile& file, const google::protobuf::Message& root)
      : file_(file), root_(root) {}
  ConfigErrors(const ConfigErrors&) = delete;
  ConfigErrors& operator=(const ConfigErrors&) = delete;

  // Records "<file>:<line>: <path>: <problem>", the line being where `path`
  // (or its nearest present ancestor) stands in the file.
  void Add(const FieldPath& path, absl::string_view problem);

  // Returns "<file>:<line>" of `path` (see TextProtoFile::Where), for
  // messages that point at a second place, e.g. a first declaration.
  // A repeated field named without an index is located at its parent.
  std::string Where(const FieldPath& path) const;

  // True when nothing was recorded.
  bool empty() const { return errors_.empty(); }

  // OK when nothing was recorded; otherwise INVALID_ARGUMENT whose message is
  // the recorded errors, one per line, in the order they were added.
  absl::Status ToStatus() const;

 private:
  const TextProtoFile& file_;
  const google::protobuf::Message& root_;
  std::vector<std::string> errors_;
};

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_CONFIG_ERRORS_H_
