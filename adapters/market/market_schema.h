// The legacy schema of the market regulator's store
// (adapters/market/schema.sql), compiled into the binary so that the
// generator and tests create exactly the schema the adapter reads.
#ifndef DATARUN_ADAPTERS_MARKET_MARKET_SCHEMA_H_
#define DATARUN_ADAPTERS_MARKET_MARKET_SCHEMA_H_

#include "absl/strings/string_view.h"

namespace datarun {
namespace market {

// Returns the SQL script of schema.sql: CREATE TABLE / INDEX statements and
// the rows of the code tables. Run it with SqliteDb::Exec on an empty store.
absl::string_view SchemaSql();

}  // namespace market
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_MARKET_MARKET_SCHEMA_H_
