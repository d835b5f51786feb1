// The legacy schema of the registry department's store
// (adapters/registry/schema.sql), compiled into the binary so that the
// generator and tests create exactly the schema the adapter reads.
#ifndef DATARUN_ADAPTERS_REGISTRY_REGISTRY_SCHEMA_H_
#define DATARUN_ADAPTERS_REGISTRY_REGISTRY_SCHEMA_H_

#include "absl/strings/string_view.h"

namespace datarun {
namespace registry {

// Returns the SQL script of schema.sql: CREATE TABLE / INDEX statements and
// the rows of the code tables. Run it with SqliteDb::Exec on an empty store.
absl::string_view SchemaSql();

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_REGISTRY_SCHEMA_H_
