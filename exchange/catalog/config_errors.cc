#include "exchange/catalog/config_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace datarun::catalog {

std::string FieldPathString(const FieldPath& path) {
  std::string out;
  for (const auto& [name, index] : path) {
    if (!out.empty()) out += '.';
    out += name;
    if (index >= 0) absl::StrAppend(&out, "[", index, "]");
  }
  return out;
}

FieldPath Child(const FieldPath& path, absl::string_view name, int index) {
  FieldPath child = path;
  child.emplace_back(std::string(name), index);
  return child;
}

namespace {

// TextProtoFile::Where needs an index for every repeated field; a path that
// names a repeated field as a whole ("datasets[1].fields") is located at its
// parent, so cut it there.
FieldPath LocatablePrefix(const google::protobuf::Message& root,
                          const FieldPath& path) {
  FieldPath prefix;
  const google::protobuf::Descriptor* descriptor = root.GetDescriptor();
  for (const auto& [name, index] : path) {
    if (descriptor == nullptr) break;
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(name);
    if (field == nullptr || (field->is_repeated() && index < 0)) break;
    prefix.emplace_back(name, index);
    descriptor = field->message_type();
  }
  return prefix;
}

}  // namespace

std::string ConfigErrors::Where(const FieldPath& path) const {
  FieldPath located = LocatablePrefix(root_, path);
  std::string where = file_.Where(root_, located);
  // Elements of a list written `fields: ["a", "b"]` have no location of
  // their own past the first; point at the list rather than its parent.
  if (!located.empty() && located.back().second > 0) {
    FieldPath parent(located.begin(), located.end() - 1);
    FieldPath first = located;
    first.back().second = 0;
    const std::string parent_where = file_.Where(root_, parent);
    const std::string first_where = file_.Where(root_, first);
    if (where == parent_where && first_where != parent_where) {
      return first_where;
    }
  }
  return where;
}

void ConfigErrors::Add(const FieldPath& path, absl::string_view problem) {
  std::string where = Where(path);
  if (path.empty()) {
    errors_.push_back(absl::StrCat(where, ": ", problem));
  } else {
    errors_.push_back(
        absl::StrCat(where, ": ", FieldPathString(path), ": ", problem));
  }
}

absl::Status ConfigErrors::ToStatus() const {
  if (errors_.empty()) return absl::OkStatus();
  if (errors_.size() <= static_cast<size_t>(kMaxReported)) {
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }
  std::vector<std::string> shown(errors_.begin(),
                                 errors_.begin() + kMaxReported);
  shown.push_back(absl::StrCat("... and ", errors_.size() - kMaxReported,
                               " more errors in ", file_.path()));
  return absl::InvalidArgumentError(absl::StrJoin(shown, "\n"));
}

}  // namespace datarun::catalog
