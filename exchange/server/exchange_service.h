// The datarun.v1.Exchange gRPC service: a thin translator.
//
// Each method authenticates the caller from its mTLS certificate, hands the
// request to the core (catalog or QueryProcessor), and finishes the call
// once. No method blocks inside a reactor: Query completes from the
// processor's callback. One structured log line is written per call.
#ifndef DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVICE_H_
#define DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVICE_H_

#include "absl/time/time.h"
#include "datarun/v1/exchange.grpc.pb.h"
#include "datarun/v1/policy.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/query/query_processor.h"
#include "exchange/security/authenticator.h"

namespace datarun::server {

class ExchangeService final : public v1::Exchange::CallbackService {
 public:
  struct Options {
    // Not owned; must outlive the service.
    const catalog::Catalog* catalog = nullptr;
    // The loaded policy, for the grants DescribeDataset lists. May be null
    // (then no grants are listed).
    const v1::Policy* policy = nullptr;
    query::QueryProcessor* processor = nullptr;
    const security::Authenticator* authenticator = nullptr;
    // Deadline used when the caller sets none, and the largest honoured.
    absl::Duration default_deadline = absl::Seconds(5);
    absl::Duration max_deadline = absl::Seconds(30);
  };

  explicit ExchangeService(Options options);

  grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context,
                                  const v1::QueryRequest* request,
                                  v1::QueryResponse* response) override;
  grpc::ServerUnaryReactor* ListDatasets(
      grpc::CallbackServerContext* context,
      const v1::ListDatasetsRequest* request,
      v1::ListDatasetsResponse* response) override;
  grpc::ServerUnaryReactor* DescribeDataset(
      grpc::CallbackServerContext* context,
      const v1::DescribeDatasetRequest* request,
      v1::DescribeDatasetResponse* response) override;

 private:
  // Returns the calling department, or UNAUTHENTICATED / PERMISSION_DENIED.
  absl::StatusOr<std::string> Caller(
      grpc::CallbackServerContext* context) const;

  Options options_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVICE_H_
