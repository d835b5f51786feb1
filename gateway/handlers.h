// Route registration, one function per area of the API
// (docs/gateway-api.md). Each adds its routes with their access rules to
// `api`; INVALID_ARGUMENT only for a malformed pattern (a programming
// error).
#ifndef DATARUN_GATEWAY_HANDLERS_H_
#define DATARUN_GATEWAY_HANDLERS_H_

#include "absl/status/status.h"
#include "gateway/api.h"

namespace datarun::gateway {

// POST/GET/DELETE /api/v1/session, POST /api/v1/citizen/code,
// POST /api/v1/citizen/session.
absl::Status AddSessionRoutes(Api* api);

// GET /api/v1/catalog, GET /api/v1/catalog/datasets/{id}.
absl::Status AddCatalogRoutes(Api* api);

// GET /api/v1/case-types, POST /api/v1/intake/check, the /api/v1/cases
// routes (submit, list, get, supplement, cancel) and the case event stream.
absl::Status AddCaseRoutes(Api* api);

// The /api/v1/audit routes (entries, checkpoints, checkpoint, consistency,
// export).
absl::Status AddAuditRoutes(Api* api);

// GET /api/v1/me/accesses.
absl::Status AddCitizenRoutes(Api* api);

// GET /api/v1/status.
absl::Status AddStatusRoutes(Api* api);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_HANDLERS_H_
