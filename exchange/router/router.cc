#include "exchange/router/router.h"

#include <grpc/grpc.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "exchange/router/callback_queue_pin.h"
#include "exchange/router/fetch_call.h"
#include "exchange/security/names.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::router {
namespace {

// Reconnection: a restarted adapter is reachable again within ~2 s, not
// after gRPC's default back-off of up to two minutes.
constexpr int kInitialReconnectBackoffMs = 100;
constexpr int kMaxReconnectBackoffMs = 2000;
// Also the floor of one connection attempt (TCP + TLS handshake).
constexpr int kMinConnectTimeoutMs = 2000;

grpc::ChannelArguments ChannelArgs(const Router::Options& options,
                                   absl::string_view department) {
  // The adapter's certificate must name the department we meant to reach.
  grpc::ChannelArguments args =
      options.insecure_for_tests
          ? grpc::ChannelArguments()
          : security::ChannelArgsForServerName(security::DepartmentServerName(
                options.trust_domain, department));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              kInitialReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinConnectTimeoutMs);
  // Each pooled channel gets its own connection instead of sharing one
  // subchannel through the process-wide pool.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Adapters are inside the government network; never via an http_proxy
  // that happens to be in the environment.
  args.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  // No retry filter: FetchCall retries an UNAVAILABLE fetch itself (once, on
  // the next channel), and gRPC's retry machinery (it keeps a copy of every
  // message sent, for a possible replay) is work on every call otherwise.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  return args;
}

absl::Status ValidateOptions(const Router::Options& options) {
  if (options.channels_per_department < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("router: channels_per_department must be at least 1, got ",
                     options.channels_per_department));
  }
  if (!options.insecure_for_tests) {
    if (options.credentials == nullptr) {
      return absl::InvalidArgumentError(
          "router: no channel credentials given (the exchange's mTLS "
          "certificate is required to reach adapters)");
    }
    if (options.trust_domain.empty()) {
      return absl::InvalidArgumentError(
          "router: trust_domain is empty (needed to check adapter "
          "certificates)");
    }
    absl::Status trust_domain =
        security::ValidateTrustDomain(options.trust_domain);
    if (!trust_domain.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("router: ", trust_domain.message()));
    }
  }
  absl::flat_hash_map<std::string, size_t> seen;
  for (size_t i = 0; i < options.endpoints.size(); ++i) {
    const v1::AdapterEndpoint& endpoint = options.endpoints[i];
    std::string where = absl::StrCat("router: adapters[", i, "]");
    if (endpoint.department().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": department is empty"));
    }
    absl::Status id = security::ValidateDepartmentId(endpoint.department());
    if (!id.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", id.message()));
    }
    auto [it, inserted] = seen.emplace(endpoint.department(), i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": department '", endpoint.department(),
          "' is configured twice (also adapters[", it->second, "])"));
    }
    if (endpoint.address().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": address of department '",
                       endpoint.department(), "' is empty"));
    }
    if (!absl::StrContains(endpoint.address(), ':')) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": address '", endpoint.address(), "' of department '",
          endpoint.department(), "' has no port (expected host:port)"));
    }
  }
  return absl::OkStatus();
}

absl::Status UnknownDepartment(absl::string_view department) {
  return absl::FailedPreconditionError(absl::StrCat(
      "no adapter is configured for department '", department, "'"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Router>> Router::Create(Options options) {
  absl::Status valid = ValidateOptions(options);
  if (!valid.ok()) return valid;
  PinGrpcCallbackQueue();
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      options.insecure_for_tests ? grpc::InsecureChannelCredentials()
                                 : options.credentials;
  CircuitBreaker::Options breaker;
  breaker.failure_threshold = options.circuit_failure_threshold;
  breaker.open_duration = options.circuit_open_duration;

  std::unique_ptr<Router> router(new Router());
  for (const v1::AdapterEndpoint& endpoint : options.endpoints) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int i = 0; i < options.channels_per_department; ++i) {
      channels.push_back(grpc::CreateCustomChannel(
          endpoint.address(), credentials,
          ChannelArgs(options, endpoint.department())));
    }
    router->departments_.emplace(
        endpoint.department(),
        std::make_unique<DepartmentChannels>(endpoint.department(),
                                             std::move(channels), breaker));
  }
  return router;
}

Router::Router() : inflight_(std::make_shared<InflightCalls>()) {}

Router::~Router() {
  inflight_->CancelAllAndWait();
  reviews_->CancelAllAndWait();
}

void Router::Review(absl::string_view department, v1::ReviewRequest request,
                    absl::Time deadline, ReviewDone done) {
  auto it = departments_.find(department);
  if (it == departments_.end()) {
    done(UnknownDepartment(department));
    return;
  }
  if (deadline <= absl::Now()) {
    done(absl::DeadlineExceededError(absl::StrCat(
        "department '", department,
        "' did not answer the review within 0 ms (the deadline had passed "
        "before the call was sent)")));
    return;
  }
  StartReviewCall(it->second.get(), reviews_, std::move(request), deadline,
                  std::move(done));
}

void Router::Fetch(absl::string_view department, v1::FetchRequest request,
                   absl::Time deadline, FetchDone done) {
  auto it = departments_.find(department);
  if (it == departments_.end()) {
    done(UnknownDepartment(department));
    return;
  }
  DepartmentChannels* channels = it->second.get();
  channels->CountFetch();
  absl::Time now = absl::Now();
  if (deadline <= now) {
    channels->CountResult(absl::StatusCode::kDeadlineExceeded);
    done(absl::DeadlineExceededError(absl::StrCat(
        "department '", department,
        "' did not answer within 0 ms (the deadline had passed before the "
        "call was sent)")));
    return;
  }
  CircuitBreaker::Admission admission = channels->breaker().Admit();
  if (!admission.allowed) {
    channels->CountRejected();
    channels->CountResult(absl::StatusCode::kUnavailable);
    std::string why =
        admission.retry_in > absl::ZeroDuration()
            ? absl::StrCat(
                  "next attempt in ",
                  std::llround(absl::ToDoubleMilliseconds(admission.retry_in)),
                  " ms")
            : std::string("a probe call is in flight");
    done(absl::UnavailableError(absl::StrCat(
        "department '", department, "' is unavailable: circuit open after ",
        channels->breaker().failure_threshold(), " consecutive failures; ",
        why)));
    return;
  }
  FetchCall::Start(channels, inflight_, admission.probe, std::move(request),
                   deadline, std::move(done));
}

absl::StatusOr<v1::ListLocalIdsResponse> Router::ListLocalIds(
    absl::string_view department, const v1::ListLocalIdsRequest& request,
    absl::Time deadline) {
  auto it = departments_.find(department);
  if (it == departments_.end()) return UnknownDepartment(department);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  v1::ListLocalIdsResponse response;
  grpc::Status status =
      it->second->NextStub()->ListLocalIds(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("department '", department,
                                     "': ", status.error_message()));
  }
  return response;
}

absl::StatusOr<Router::Health> Router::DepartmentHealth(
    absl::string_view department) const {
  auto it = departments_.find(department);
  if (it == departments_.end()) return UnknownDepartment(department);
  Health health;
  health.circuit = it->second->breaker().snapshot();
  health.counters = it->second->counters();
  return health;
}

std::vector<std::string> Router::Departments() const {
  std::vector<std::string> names;
  names.reserve(departments_.size());
  for (const auto& [name, channels] : departments_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace datarun::router
