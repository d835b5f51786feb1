#include "common/textproto_file.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"

namespace datarun {
namespace {

// Collects the first parser error with its position.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!has_error_) {
      has_error_ = true;
      // The parser counts from zero.
      error_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber,
                  const std::string&) override {}

  bool has_error() const { return has_error_; }
  const std::string& error() const { return error_; }

 private:
  bool has_error_ = false;
  std::string error_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TextProtoFile>> TextProtoFile::Load(
    absl::string_view path, google::protobuf::Message* message) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(path, text, message);
}

absl::StatusOr<std::unique_ptr<TextProtoFile>> TextProtoFile::Parse(
    absl::string_view path, absl::string_view text,
    google::protobuf::Message* message) {
  std::unique_ptr<TextProtoFile> file(new TextProtoFile(std::string(path)));
  FirstErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&file->tree_);
  message->Clear();
  if (!parser.ParseFromString(std::string(text), message)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", errors.has_error() ? errors.error() : "cannot parse file"));
  }
  return file;
}

std::string TextProtoFile::Where(
    const google::protobuf::Message& root,
    const std::vector<std::pair<std::string, int>>& field_path) const {
  // ParseInfoTree is keyed by descriptors, so walk it down the path.
  google::protobuf::TextFormat::ParseInfoTree* tree =
      const_cast<google::protobuf::TextFormat::ParseInfoTree*>(&tree_);
  const google::protobuf::Descriptor* descriptor = root.GetDescriptor();
  int line = -1;
  for (size_t i = 0; i < field_path.size(); ++i) {
    const auto& [name, index] = field_path[i];
    if (descriptor == nullptr || tree == nullptr) break;
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(name);
    if (field == nullptr) break;
    google::protobuf::TextFormat::ParseLocation location =
        tree->GetLocation(field, index);
    if (location.line >= 0) line = location.line;
    if (i + 1 < field_path.size()) {
      tree = tree->GetTreeForNested(field, index);
      descriptor = field->message_type();
    }
  }
  if (line < 0) return path_;
  return absl::StrCat(path_, ":", line + 1);
}

}  // namespace datarun
