#include "exchange/identity_registry/subject_record.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace datarun::identity {
namespace {

constexpr unsigned char kFlagMerged = 0x01;
constexpr unsigned char kKnownFlags = kFlagMerged;

bool LinkLess(const v1::IdentityLink& a, const v1::IdentityLink& b) {
  return std::tie(a.local_id().department(), a.local_id().kind(),
                  a.local_id().value()) < std::tie(b.local_id().department(),
                                                   b.local_id().kind(),
                                                   b.local_id().value());
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const unsigned char byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool GetHash(absl::string_view* in, SubjectHash* h) {
  if (in->size() < h->size()) return false;
  *h = *SubjectHashFromBytes(in->substr(0, h->size()));
  in->remove_prefix(h->size());
  return true;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("subject record: ", what));
}

}  // namespace

bool SameLocalId(const v1::LocalId& a, const v1::LocalId& b) {
  return a.department() == b.department() && a.kind() == b.kind() &&
         a.value() == b.value();
}

v1::IdentityLink* SubjectRecord::Find(const v1::LocalId& id) {
  for (v1::IdentityLink& link : links) {
    if (SameLocalId(link.local_id(), id)) return &link;
  }
  return nullptr;
}

const v1::IdentityLink* SubjectRecord::Find(const v1::LocalId& id) const {
  return const_cast<SubjectRecord*>(this)->Find(id);
}

v1::IdentityLink* SubjectRecord::FindPrimary(absl::string_view department) {
  for (v1::IdentityLink& link : links) {
    if (link.primary() && link.local_id().department() == department) {
      return &link;
    }
  }
  return nullptr;
}

v1::IdentityLink* SubjectRecord::Insert(v1::IdentityLink link) {
  auto at = std::upper_bound(links.begin(), links.end(), link, LinkLess);
  return &*links.insert(at, std::move(link));
}

bool SubjectRecord::Remove(const v1::LocalId& id) {
  for (auto it = links.begin(); it != links.end(); ++it) {
    if (SameLocalId(it->local_id(), id)) {
      links.erase(it);
      return true;
    }
  }
  return false;
}

std::string EncodeSubjectRecord(const SubjectRecord& record) {
  std::string out;
  out.push_back(static_cast<char>(kSubjectRecordVersion));
  out.push_back(
      static_cast<char>(record.merged_into.has_value() ? kFlagMerged : 0));
  if (record.merged_into.has_value()) {
    out.append(HashBytes(*record.merged_into).data(), 32);
  }
  PutVarint(record.merged_from.size(), &out);
  for (const SubjectHash& h : record.merged_from) {
    out.append(HashBytes(h).data(), 32);
  }
  PutVarint(record.links.size(), &out);
  for (const v1::IdentityLink& link : record.links) {
    const std::string bytes = SerializeDeterministically(link);
    PutVarint(bytes.size(), &out);
    out.append(bytes);
  }
  return out;
}

absl::StatusOr<SubjectRecord> DecodeSubjectRecord(absl::string_view bytes) {
  if (bytes.size() < 2) return Corrupt("shorter than 2 bytes");
  const unsigned char version = static_cast<unsigned char>(bytes[0]);
  const unsigned char flags = static_cast<unsigned char>(bytes[1]);
  if (version != kSubjectRecordVersion) {
    return Corrupt(absl::StrCat("unknown record version ", version,
                                " (this build reads version ",
                                kSubjectRecordVersion, ")"));
  }
  if ((flags & ~kKnownFlags) != 0) {
    return Corrupt(absl::StrCat("unknown flags 0x", absl::Hex(flags)));
  }
  bytes.remove_prefix(2);
  SubjectRecord record;
  if ((flags & kFlagMerged) != 0) {
    SubjectHash h;
    if (!GetHash(&bytes, &h)) return Corrupt("merge target truncated");
    record.merged_into = h;
  }
  uint64_t count = 0;
  if (!GetVarint(&bytes, &count) || count > bytes.size() / 32) {
    return Corrupt("merged-from list truncated");
  }
  record.merged_from.resize(count);
  for (SubjectHash& h : record.merged_from) GetHash(&bytes, &h);
  if (!GetVarint(&bytes, &count) || count > bytes.size()) {
    return Corrupt("link count truncated or too large");
  }
  record.links.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t size = 0;
    if (!GetVarint(&bytes, &size) || size > bytes.size()) {
      return Corrupt(absl::StrCat("link ", i, " truncated"));
    }
    if (!record.links[i].ParseFromArray(bytes.data(), static_cast<int>(size))) {
      return Corrupt(absl::StrCat("link ", i, " does not parse"));
    }
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) {
    return Corrupt(absl::StrCat(bytes.size(), " trailing bytes"));
  }
  return record;
}

std::string SerializeDeterministically(
    const google::protobuf::MessageLite& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

std::string EncodeClaims(const std::vector<SubjectHash>& claims) {
  std::string out;
  out.reserve(claims.size() * 32);
  for (const SubjectHash& h : claims) out.append(HashBytes(h).data(), 32);
  return out;
}

absl::StatusOr<std::vector<SubjectHash>> DecodeClaims(absl::string_view bytes) {
  if (bytes.size() % 32 != 0) {
    return absl::DataLossError(absl::StrCat("claim list: ", bytes.size(),
                                            " bytes is not a multiple of 32"));
  }
  std::vector<SubjectHash> claims(bytes.size() / 32);
  for (SubjectHash& h : claims) GetHash(&bytes, &h);
  return claims;
}

}  // namespace datarun::identity
