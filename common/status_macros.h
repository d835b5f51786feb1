// Propagation macros for absl::Status and absl::StatusOr<T>.
//
// Abseil 20220623 (Debian 12) has no public equivalents, so datarun keeps its
// own, in this one place.
//
//   RETURN_IF_ERROR(DoThing());               // returns the status if not OK
//   ASSIGN_OR_RETURN(auto x, MakeThing());    // x = *value, or returns status
//
// Both evaluate their argument exactly once.
#ifndef DATARUN_COMMON_STATUS_MACROS_H_
#define DATARUN_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DATARUN_STATUS_CONCAT_INNER_(x, y) x##y
#define DATARUN_STATUS_CONCAT_(x, y) DATARUN_STATUS_CONCAT_INNER_(x, y)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    const ::absl::Status datarun_status_ = (expr);     \
    if (!datarun_status_.ok()) return datarun_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, rexpr) \
  DATARUN_ASSIGN_OR_RETURN_IMPL_(    \
      DATARUN_STATUS_CONCAT_(datarun_statusor_, __LINE__), lhs, rexpr)

#define DATARUN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // DATARUN_COMMON_STATUS_MACROS_H_
