#include "exchange/audit/index_block.h"

namespace datarun::audit {

void AppendPosting(uint64_t last_index, uint64_t index, int64_t time_micros,
                   std::string* value) {
  uint64_t offset = last_index - index;
  while (offset >= 0x80) {
    value->push_back(static_cast<char>((offset & 0x7f) | 0x80));
    offset >>= 7;
  }
  value->push_back(static_cast<char>(offset));
  const uint64_t time = static_cast<uint64_t>(time_micros);
  for (int shift = 56; shift >= 0; shift -= 8) {
    value->push_back(static_cast<char>(time >> shift));
  }
}

IndexBlockReader::IndexBlockReader(uint64_t last_index, absl::string_view value)
    : last_index_(last_index), rest_(value) {}

bool IndexBlockReader::Next(Posting* posting) {
  if (!ok_) return false;
  if (rest_.empty()) {
    // A block names at least one entry, and its last one is the key's.
    ok_ = started_ && previous_offset_ == 0;
    return false;
  }
  uint64_t offset = 0;
  size_t used = 0;
  for (int shift = 0;; shift += 7) {
    if (used == rest_.size() || shift > 63) {
      ok_ = false;
      return false;
    }
    const auto byte = static_cast<unsigned char>(rest_[used++]);
    offset |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (rest_.size() - used < 8 || offset > last_index_ ||
      (started_ && offset >= previous_offset_)) {
    ok_ = false;
    return false;
  }
  uint64_t time = 0;
  for (size_t i = used; i < used + 8; ++i) {
    time = (time << 8) | static_cast<unsigned char>(rest_[i]);
  }
  rest_.remove_prefix(used + 8);
  started_ = true;
  previous_offset_ = offset;
  posting->index = last_index_ - offset;
  posting->time_micros = static_cast<int64_t>(time);
  return true;
}

}  // namespace datarun::audit
