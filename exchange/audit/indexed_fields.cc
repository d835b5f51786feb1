#include "exchange/audit/indexed_fields.h"

#include <limits>

#include "datarun/v1/audit.pb.h"

namespace datarun::audit {
namespace {

// Reads a varint at *pos; false when truncated or over 64 bits.
bool ReadVarint(absl::string_view bytes, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= bytes.size()) return false;
    const auto byte = static_cast<unsigned char>(bytes[(*pos)++]);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// The slot of a field number in IndexedFields, or -1.
int Slot(uint64_t field) {
  switch (field) {
    case v1::AuditEntry::kSubjectHashFieldNumber:
      return 0;
    case v1::AuditEntry::kConsumerFieldNumber:
      return 1;
    case v1::AuditEntry::kDatasetFieldNumber:
      return 2;
    case v1::AuditEntry::kPurposeFieldNumber:
      return 3;
    default:
      return -1;
  }
}

}  // namespace

bool FindIndexedFields(absl::string_view bytes, IndexedFields* fields) {
  *fields = IndexedFields();
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    uint64_t tag = 0;
    if (!ReadVarint(bytes, &pos, &tag)) return false;
    uint64_t skip = 0;
    switch (tag & 7) {
      case 0:  // varint
        if (!ReadVarint(bytes, &pos, &skip)) return false;
        continue;
      case 1:  // 64-bit
        skip = 8;
        break;
      case 2: {  // length-delimited
        if (!ReadVarint(bytes, &pos, &skip)) return false;
        if (skip > bytes.size() - pos) return false;
        const int slot = Slot(tag >> 3);
        if (slot >= 0) {
          fields->offset[slot] = static_cast<uint32_t>(pos);
          fields->length[slot] = static_cast<uint32_t>(skip);
        }
        break;
      }
      case 5:  // 32-bit
        skip = 4;
        break;
      default:  // groups and invalid wire types
        return false;
    }
    if (skip > bytes.size() - pos) return false;
    pos += skip;
  }
  return true;
}

}  // namespace datarun::audit
