// The value of an index block key ("x/<kind>/<value>/<last index>", see
// audit_store_keys.h): the postings of the entries of one batch that have
// that value, in increasing index order. Each posting is
//   varint64(last index - entry index) || 8-byte big-endian time_micros
// so the offsets strictly decrease and the last one is 0 (the key names the
// block's last entry). One block per value per batch replaces the one key
// per entry and value of layout version 2. Pure functions, thread-safe.
#ifndef DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_H_
#define DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace datarun::audit {

// One entry named by an index block.
struct Posting {
  uint64_t index = 0;
  int64_t time_micros = 0;  // AuditEntry.time_micros of that entry
};

// Appends the posting of entry `index` (at most `last_index`, and above
// every index appended before to this value) to the block `value` whose
// key names `last_index`.
void AppendPosting(uint64_t last_index, uint64_t index, int64_t time_micros,
                   std::string* value);

// Reads the postings of one block, validating its format as it goes.
// Borrows `value`, which must outlive the reader.
class IndexBlockReader {
 public:
  IndexBlockReader(uint64_t last_index, absl::string_view value);

  // Sets *posting to the next posting and returns true; returns false at
  // the end of the block or at the first malformed posting (see ok()).
  bool Next(Posting* posting);

  // After Next returned false: true when the whole block was well formed
  // (at least one posting, complete varints and times, strictly increasing
  // indexes not beyond the key's, the last one the key's).
  bool ok() const { return ok_; }

 private:
  const uint64_t last_index_;
  absl::string_view rest_;
  bool started_ = false;
  uint64_t previous_offset_ = 0;
  bool ok_ = true;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_H_
