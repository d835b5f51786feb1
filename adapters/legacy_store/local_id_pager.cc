#include "adapters/legacy_store/local_id_pager.h"

#include <cstdint>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/sdk/department_service.h"
#include "common/status_macros.h"

namespace datarun {
namespace legacy {
namespace {

// Assertions one row may yield at most; larger skips in a token are forged.
constexpr int kMaxSkip = 1000;

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status LocalIdPager::Malformed(absl::string_view why) const {
  return absl::InvalidArgumentError(
      absl::StrCat("page_token is malformed: ", why, " (listing ", scope_,
                   "); start again with an empty page_token"));
}

std::string LocalIdPager::Encode(const Cursor& cursor) const {
  return absl::BytesToHexString(
      absl::StrCat(scope_, "|", cursor.skip, "|", cursor.key));
}

absl::StatusOr<LocalIdPager::Cursor> LocalIdPager::Decode(
    absl::string_view token) const {
  if (token.size() % 2 != 0 || !IsHex(token)) {
    return Malformed("it is not a hexadecimal string of whole bytes");
  }
  const std::string text = absl::HexStringToBytes(token);
  std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('|', 2));
  if (parts.size() != 3 || parts[0] != scope_) {
    return Malformed("it was not issued by this listing");
  }
  Cursor cursor;
  if (!absl::SimpleAtoi(parts[1], &cursor.skip) || cursor.skip < 0 ||
      cursor.skip > kMaxSkip) {
    return Malformed("its position is out of range");
  }
  cursor.key = std::string(parts[2]);
  int64_t unused;
  if (key_type_ == KeyType::kInteger &&
      !absl::SimpleAtoi(cursor.key, &unused)) {
    return Malformed("its key is not an integer");
  }
  return cursor;
}

absl::StatusOr<v1::ListLocalIdsResponse> LocalIdPager::Page(
    SqliteDb& db, const v1::ListLocalIdsRequest& request, absl::string_view sql,
    const RowToAssertions& to_assertions) const {
  int page_size = request.page_size();
  if (page_size <= 0) page_size = adapter::kDefaultLocalIdPageSize;
  if (page_size > adapter::kMaxLocalIdPageSize) {
    page_size = adapter::kMaxLocalIdPageSize;
  }
  Cursor cursor;
  if (request.page_token().empty()) {
    // Every key is >= "" (TEXT) or >= INT64_MIN (INTEGER).
    if (key_type_ == KeyType::kInteger) {
      cursor.key = absl::StrCat(std::numeric_limits<int64_t>::min());
    }
  } else {
    ASSIGN_OR_RETURN(cursor, Decode(request.page_token()));
  }

  v1::ListLocalIdsResponse response;
  bool full = false;
  for (;;) {
    // Rows are read in batches of page_size + 1; a batch that comes back
    // short means the table is exhausted.
    const int limit = page_size + 1;
    int rows = 0;
    const std::string from = cursor.key;
    int64_t from_int = 0;
    if (key_type_ == KeyType::kInteger) (void)absl::SimpleAtoi(from, &from_int);
    const SqlValue bound =
        key_type_ == KeyType::kInteger ? SqlValue(from_int) : SqlValue(from);
    std::vector<v1::LocalIdAssertion> assertions;
    RETURN_IF_ERROR(db.Query(
        sql, {bound, limit}, [&](const SqliteRow& row) -> absl::Status {
          ++rows;
          if (full) return absl::OkStatus();
          std::string key = key_type_ == KeyType::kInteger
                                ? absl::StrCat(row.Int(0))
                                : std::string(row.Text(0));
          assertions.clear();
          RETURN_IF_ERROR(to_assertions(row, &assertions));
          const int start = key == cursor.key ? cursor.skip : 0;
          for (int i = start; i < static_cast<int>(assertions.size()); ++i) {
            if (response.assertions_size() == page_size) {
              response.set_next_page_token(Encode(Cursor{key, i}));
              full = true;
              return absl::OkStatus();
            }
            *response.add_assertions() = std::move(assertions[i]);
          }
          cursor = Cursor{std::move(key), static_cast<int>(assertions.size())};
          return absl::OkStatus();
        }));
    if (full || rows < limit) return response;
  }
}

}  // namespace legacy
}  // namespace datarun
