// The router: sends Adapter.Fetch calls from the exchange to the owner
// department's adapter over pooled mTLS channels, with the caller's deadline,
// one retry of UNAVAILABLE and a per-department circuit breaker.
#ifndef DATARUN_EXCHANGE_ROUTER_ROUTER_H_
#define DATARUN_EXCHANGE_ROUTER_ROUTER_H_

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/config.pb.h"
#include "exchange/router/circuit_breaker.h"
#include "exchange/router/department_channels.h"
#include "exchange/router/fetcher.h"
#include "exchange/router/inflight_calls.h"
#include "exchange/router/review_call.h"

namespace datarun::router {

// Thread-safe: Fetch and DepartmentHealth may be called concurrently from any
// thread. The set of departments is fixed at Create.
class Router final : public Fetcher {
 public:
  struct Options {
    // Department -> host:port of its adapter.
    std::vector<v1::AdapterEndpoint> endpoints;
    // mTLS credentials of the exchange (its client certificate and the CA).
    // Required unless `insecure_for_tests`.
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    // Each adapter's certificate must be valid for the DNS name
    // "<department>.dept.<trust_domain>" (security::DepartmentServerName);
    // required unless `insecure_for_tests`.
    std::string trust_domain;
    // Channels (TCP connections) per department, used round-robin.
    int channels_per_department = 2;
    // Circuit breaker: consecutive UNAVAILABLE results that open it, and how
    // long it then fails fast before letting one probe through.
    int circuit_failure_threshold = 5;
    absl::Duration circuit_open_duration = absl::Seconds(1);
    // Plaintext channels, no server-name check. Unit tests only.
    bool insecure_for_tests = false;
  };

  // Health of one department, for metrics and the operator UI.
  struct Health {
    CircuitBreaker::Snapshot circuit;
    FetchCounters counters;
  };

  using Fetcher::FetchDone;

  // Builds the channel pools. Does not dial: connections are made on first
  // use. Errors (INVALID_ARGUMENT, naming the endpoint by position): empty,
  // malformed or duplicate department, empty address or one without ":port",
  // missing credentials, missing or malformed trust domain,
  // channels_per_department < 1.
  static absl::StatusOr<std::unique_ptr<Router>> Create(Options options);

  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  // Cancels calls still in flight (their `done` gets CANCELLED "department
  // 'x': call cancelled: the router is shutting down"), waits until every
  // `done` has returned, then closes the channels. Must not run inside a
  // `done` callback, nor concurrently with Fetch.
  ~Router();

  // Sends `request` to `department`'s adapter; `deadline` (absolute, the
  // caller's remaining deadline) becomes the gRPC deadline. `done` runs
  // exactly once and must not block: on a gRPC callback thread, or on the
  // calling thread before Fetch returns when the call fails without touching
  // the network (unknown department, deadline already past, circuit open).
  // Never later than `deadline` plus gRPC's timer slack. Results:
  //   OK                  the adapter's response;
  //   NOT_FOUND           passed through from the adapter, message unchanged;
  //   UNAVAILABLE         "department 'land' is unavailable: <detail>"
  //                       (connection refused, TLS failure, circuit open);
  //                       retried once first if more than half of the time
  //                       budget is left;
  //   DEADLINE_EXCEEDED   "department 'land' did not answer within <N> ms";
  //   FAILED_PRECONDITION "no adapter is configured for department 'x'";
  //   other codes         the adapter's code; message prefixed with
  //                       "department 'land': ".
  void Fetch(absl::string_view department, v1::FetchRequest request,
             absl::Time deadline, FetchDone done) override;

  // Asks `department`'s adapter for one page of the local identifiers it
  // knows (Adapter.ListLocalIds), for the identity registry's sync. Blocks
  // the calling thread until the answer or `deadline`: never call it on a
  // gRPC callback thread. Not counted by the circuit breaker (an
  // administrative call must not open the circuit for queries). Results:
  //   OK                  the adapter's page;
  //   FAILED_PRECONDITION no adapter is configured for the department;
  //   UNAVAILABLE / DEADLINE_EXCEEDED / UNIMPLEMENTED / other codes: the
  //                       adapter's code, message prefixed with
  //                       "department 'land': ".
  // Thread-safe.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      absl::string_view department, const v1::ListLocalIdsRequest& request,
      absl::Time deadline);

  // Sends a case step's review to `department`'s adapter (Adapter.Review),
  // asynchronously, with `deadline` as the gRPC deadline and no retry (the
  // case engine retries with the same idempotency key). `done` runs exactly
  // once and must not block: on a gRPC callback thread, or on the calling
  // thread when the department is unknown (FAILED_PRECONDITION), the
  // deadline has passed (DEADLINE_EXCEEDED) or the router shuts down
  // (CANCELLED). Errors as in review_call.h. Thread-safe.
  void Review(absl::string_view department, v1::ReviewRequest request,
              absl::Time deadline, ReviewDone done);

  // Returns the breaker state and counters of `department`;
  // FAILED_PRECONDITION when no adapter is configured for it.
  absl::StatusOr<Health> DepartmentHealth(absl::string_view department) const;

  // Returns the configured departments, sorted.
  std::vector<std::string> Departments() const;

 private:
  Router();

  // Immutable after Create.
  absl::flat_hash_map<std::string, std::unique_ptr<DepartmentChannels>>
      departments_;
  // Shared with the calls, which signal it last thing.
  const std::shared_ptr<InflightCalls> inflight_;
  const std::shared_ptr<ReviewCalls> reviews_ = std::make_shared<ReviewCalls>();
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_ROUTER_H_
