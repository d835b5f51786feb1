// What the registry stores about one subject (value of "s/<hash>") and the
// list of subjects claiming a local id (value of "l/<local id>"), with their
// binary encodings (docs/identity-registry-format.md).
//
// Plain data; not thread-safe (each writer or reader has its own copy).
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_RECORD_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/identity_registry/registry_keys.h"
#include "google/protobuf/message_lite.h"

namespace datarun::identity {

// Version byte of the record encoding written by this build.
inline constexpr unsigned char kSubjectRecordVersion = 1;

struct SubjectRecord {
  // Set when the subject was merged into another one: the subject every
  // lookup continues with (always a subject that is not merged itself).
  absl::optional<SubjectHash> merged_into;
  // Subjects merged into this one (kept so that a later merge of this
  // subject can re-point them: merge chains never grow past one step).
  std::vector<SubjectHash> merged_from;
  // ACTIVE and CONFLICT links only (retracted links live on in the events),
  // sorted by (department, kind, value).
  std::vector<v1::IdentityLink> links;

  // True when there is nothing to store (no links, no merge either way).
  bool empty() const {
    return !merged_into.has_value() && merged_from.empty() && links.empty();
  }

  // Returns the link of `id`, or null.
  v1::IdentityLink* Find(const v1::LocalId& id);
  const v1::IdentityLink* Find(const v1::LocalId& id) const;

  // Returns the primary link of `department`, or null.
  v1::IdentityLink* FindPrimary(absl::string_view department);

  // Inserts `link` at its sorted place (no link of the same id may exist)
  // and returns it.
  v1::IdentityLink* Insert(v1::IdentityLink link);

  // Removes the link of `id`; returns false when there is none.
  bool Remove(const v1::LocalId& id);
};

// True when `a` and `b` name the same identifier.
bool SameLocalId(const v1::LocalId& a, const v1::LocalId& b);

// Returns the record's stored form: a version byte, a flags byte, the
// merge target, the merged-from hashes and the links (see the format doc).
std::string EncodeSubjectRecord(const SubjectRecord& record);

// Decodes a stored record. DATA_LOSS naming what is wrong (unknown version,
// truncation, a link that does not parse).
absl::StatusOr<SubjectRecord> DecodeSubjectRecord(absl::string_view bytes);

// Returns `message` in protobuf's deterministic serialization (how links
// and events are stored).
std::string SerializeDeterministically(
    const google::protobuf::MessageLite& message);

// Returns the claim list's stored form: the 32-byte hashes back to back.
std::string EncodeClaims(const std::vector<SubjectHash>& claims);

// Decodes a claim list. DATA_LOSS when the length is not a multiple of 32.
absl::StatusOr<std::vector<SubjectHash>> DecodeClaims(absl::string_view bytes);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_RECORD_H_
