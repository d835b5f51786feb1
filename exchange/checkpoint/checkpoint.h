// The body of a transparency-log checkpoint (https://c2sp.org/tlog-checkpoint),
// the text a NoteSigner signs:
//
//   <origin>\n
//   <tree size in decimal>\n
//   <base64 of the RFC 9162 root hash>\n
//   [<extension line>\n ...]
//
// e.g. "datarun.example/audit/node-1\n20852163\nCsUYapGG...q2I=\n".
#ifndef DATARUN_EXCHANGE_CHECKPOINT_CHECKPOINT_H_
#define DATARUN_EXCHANGE_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "exchange/merkle/hash.h"

namespace datarun::checkpoint {

struct Checkpoint {
  // Identifies the log (and, by convention, the signing key's name): for
  // datarun "<domain>/audit/<node>". Non-empty, one line.
  std::string origin;
  // Number of leaves.
  uint64_t size = 0;
  // RFC 9162 root of the first `size` leaves (merkle::EmptyRoot() for 0).
  merkle::Hash root{};
  // Optional opaque lines after the root; each non-empty. The spec
  // discourages them (monitors cannot audit them).
  std::vector<std::string> extensions;

  bool operator==(const Checkpoint& other) const {
    return origin == other.origin && size == other.size && root == other.root &&
           extensions == other.extensions;
  }
  bool operator!=(const Checkpoint& other) const { return !(*this == other); }
};

// OK when `checkpoint` can be formatted into a body ParseBody accepts:
// origin and extension lines non-empty, valid UTF-8 and free of control
// characters (so no newline). INVALID_ARGUMENT naming the field otherwise.
absl::Status ValidateCheckpoint(const Checkpoint& checkpoint);

// Returns the checkpoint body (ending with "\n"). Requires
// ValidateCheckpoint(checkpoint).ok(); otherwise the result is not a valid
// body. Thread-safe.
std::string FormatBody(const Checkpoint& checkpoint);

// Parses a checkpoint body (the verified text of a signed note). Errors are
// INVALID_ARGUMENT naming the line and what is wrong with it: missing final
// newline, fewer than three lines, an empty line, a size that is not plain
// decimal (no sign, no leading zero, fits in 64 bits), a root that is not
// the canonical base64 of 32 bytes. Thread-safe.
absl::StatusOr<Checkpoint> ParseBody(absl::string_view body);

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_CHECKPOINT_H_
