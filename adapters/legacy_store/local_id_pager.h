// Pages through a legacy table in primary-key order for
// DepartmentService::ListLocalIds, turning each row into zero or more
// LocalIdAssertions.
//
//   const LocalIdPager pager("registry.HJ_RY", LocalIdPager::KeyType::kText);
//   return pager.Page(*db, request,
//       "SELECT RYID, GMSFHM, HH, QRRQ FROM HJ_RY "
//       "WHERE RYZT = '0' AND RYID >= ?1 ORDER BY RYID LIMIT ?2",
//       [](const SqliteRow& row, std::vector<v1::LocalIdAssertion>* out) {
//         ...; return absl::OkStatus();
//       });
//
// The query's first column must be the table's primary key; it must keep
// rows with key >= ?1 only, order by the key and return at most ?2 rows.
// The page token records where the next page starts (a key and how many of
// that row's assertions were already sent), so a page may end in the middle
// of a row and every assertion is returned exactly once as long as the
// table does not change. Tokens are opaque hex strings naming the pager's
// scope: a token of another listing is refused.
//
// Thread-safe (immutable); the SqliteDb must be used by one thread at a time.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_LOCAL_ID_PAGER_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_LOCAL_ID_PAGER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_row.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace legacy {

class LocalIdPager {
 public:
  // How the primary key is bound and compared: TEXT or INTEGER.
  enum class KeyType { kText, kInteger };

  // Turns one row into its assertions (in a stable order). A non-OK status
  // stops the listing and is returned.
  using RowToAssertions = std::function<absl::Status(
      const SqliteRow& row, std::vector<v1::LocalIdAssertion>* out)>;

  // `scope` names the listing in its tokens and errors, e.g.
  // "tax.DJ_NSRXX".
  LocalIdPager(std::string scope, KeyType key_type)
      : scope_(std::move(scope)), key_type_(key_type) {}

  // Returns the page of `request` (page_size 0 or less means the SDK's
  // default, more than the SDK's maximum is capped), with next_page_token
  // empty on the last page.
  // Errors: INVALID_ARGUMENT "page_token is malformed: ..." for a token this
  // pager did not make; the store's errors (UNAVAILABLE, DATA_LOSS, ...) and
  // `to_assertions`' otherwise.
  absl::StatusOr<v1::ListLocalIdsResponse> Page(
      SqliteDb& db, const v1::ListLocalIdsRequest& request,
      absl::string_view sql, const RowToAssertions& to_assertions) const;

 private:
  struct Cursor {
    std::string key;  // resume at the first row with key >= this
    int skip = 0;     // assertions of the row `key` already sent
  };

  std::string Encode(const Cursor& cursor) const;
  absl::StatusOr<Cursor> Decode(absl::string_view token) const;
  absl::Status Malformed(absl::string_view why) const;

  const std::string scope_;
  const KeyType key_type_;
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_LOCAL_ID_PAGER_H_
