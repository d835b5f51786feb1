// Conversion between absl::Status (used inside datarun) and grpc::Status
// (used only at service edges). Codes map one to one; messages are kept.
#ifndef DATARUN_COMMON_GRPC_STATUS_H_
#define DATARUN_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace datarun {

// Returns the grpc::Status with the same code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Returns the absl::Status with the same code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The canonical name of a gRPC code ("PERMISSION_DENIED"); gRPC and absl
// share the numbering.
std::string GrpcCodeName(grpc::StatusCode code);

}  // namespace datarun

#endif  // DATARUN_COMMON_GRPC_STATUS_H_
