// Where the load generator's calls go, over mutual TLS with the dev PKI:
//   kExchange  Exchange.Query at the exchange, as the grant's consumer
//              department (its dev certificate);
//   kAdapter   Adapter.Fetch at the owner's adapter, as the exchange (the
//              only identity adapters accept), i.e. what the department's
//              own system calling its own adapter costs;
//   kProxy     the same Adapter.Fetch through a proxy port per department.
// Each endpoint gets `channels` channels (separate TCP/TLS connections).
//
// Thread-safety: Start may be called from any thread, including from a
// completion callback.
#ifndef DATARUN_BENCH_LOADGEN_CALL_TARGET_H_
#define DATARUN_BENCH_LOADGEN_CALL_TARGET_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/loadgen/loadgen_options.h"
#include "bench/loadgen/workload.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "datarun/v1/exchange.grpc.pb.h"

namespace datarun::bench {

class CallTarget {
 public:
  // Creates the channels for every endpoint `workload` needs; ports come
  // from <state>/run/*.port or options.proxy_ports. Errors: NOT_FOUND
  // naming a missing port file or proxy port, the credential errors of
  // security::MakeChannelCredentials (naming the PEM file).
  static absl::StatusOr<std::unique_ptr<CallTarget>> Create(
      const LoadgenOptions& options, const Workload& workload);

  // Starts one call for `item` about `subject` on channel
  // `channel % channels`; `done` runs once, on a gRPC thread, with the
  // call's status code. `item` and `subject` must outlive the call.
  void Start(const WorkItem& item, const std::string& subject, int channel,
             std::function<void(grpc::StatusCode)> done);

  // Waits (up to `timeout`) until every channel is connected. UNAVAILABLE
  // naming the endpoint that is not.
  absl::Status WaitConnected(absl::Duration timeout);

 private:
  struct Endpoint {
    std::string address;
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<v1::Exchange::Stub>> exchange_stubs;
    std::vector<std::unique_ptr<v1::Adapter::Stub>> adapter_stubs;
  };

  explicit CallTarget(const LoadgenOptions& options) : options_(options) {}

  absl::Status AddEndpoint(const std::string& key);

  LoadgenOptions options_;
  // Keyed by consumer (kExchange) or owner department (kAdapter, kProxy).
  std::map<std::string, Endpoint> endpoints_;
};

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_CALL_TARGET_H_
