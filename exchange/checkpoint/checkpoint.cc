#include "exchange/checkpoint/checkpoint.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "exchange/checkpoint/note_text.h"

namespace datarun::checkpoint {
namespace {

absl::Status LineError(size_t line, absl::string_view field,
                       absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("checkpoint line ", line, " (", field, "): ", why));
}

// Checks that `value` is one non-empty line of note text.
absl::Status ValidateLine(absl::string_view value, absl::string_view field) {
  if (value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint ", field, " is empty"));
  }
  return ValidateNoteLine(value, absl::StrCat("checkpoint ", field));
}

absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  if (text.empty()) return LineError(2, "tree size", "is empty");
  if (text.size() > 1 && text[0] == '0') {
    return LineError(2, "tree size",
                     absl::StrCat("\"", text, "\" has a leading zero"));
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return LineError(
          2, "tree size",
          absl::StrCat("\"", text, "\" is not a decimal number of leaves"));
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (~uint64_t{0} - digit) / 10) {
      return LineError(2, "tree size",
                       absl::StrCat("\"", text, "\" does not fit in 64 bits"));
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

absl::Status ValidateCheckpoint(const Checkpoint& checkpoint) {
  absl::Status ok = ValidateLine(checkpoint.origin, "origin");
  if (!ok.ok()) return ok;
  for (size_t i = 0; i < checkpoint.extensions.size(); ++i) {
    ok = ValidateLine(checkpoint.extensions[i],
                      absl::StrCat("extension line ", i + 1));
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

std::string FormatBody(const Checkpoint& checkpoint) {
  std::string body =
      absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                   merkle::HashToBase64(checkpoint.root), "\n");
  for (const std::string& line : checkpoint.extensions) {
    absl::StrAppend(&body, line, "\n");
  }
  return body;
}

absl::StatusOr<Checkpoint> ParseBody(absl::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return absl::InvalidArgumentError(
        "checkpoint body must end with a newline");
  }
  body.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint body has ", lines.size(),
                     " lines; it needs origin, tree size and root hash"));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return LineError(i + 1,
                       i == 0   ? "origin"
                       : i == 1 ? "tree size"
                       : i == 2 ? "root hash"
                                : "extension",
                       "is empty");
    }
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  absl::StatusOr<uint64_t> size = ParseSize(lines[1]);
  if (!size.ok()) return size.status();
  checkpoint.size = *size;
  absl::StatusOr<merkle::Hash> root = merkle::HashFromBase64(lines[2]);
  if (!root.ok()) return LineError(3, "root hash", root.status().message());
  checkpoint.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) {
    checkpoint.extensions.emplace_back(lines[i]);
  }
  absl::Status valid = ValidateCheckpoint(checkpoint);
  if (!valid.ok()) return valid;
  return checkpoint;
}

}  // namespace datarun::checkpoint
