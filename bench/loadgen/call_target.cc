#include "bench/loadgen/call_target.h"

#include <chrono>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/names.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::bench {
namespace {

absl::StatusOr<int> ReadPort(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  int port = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) || port <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a port number"));
  }
  return port;
}

// State of one call, freed when it completes.
template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
  std::function<void(grpc::StatusCode)> done;
};

void FillContext(const WorkItem& item, v1::RequestContext* context) {
  context->set_purpose(item.purpose);
  context->set_on_behalf_of("BENCH-0001");
}

}  // namespace

absl::StatusOr<std::unique_ptr<CallTarget>> CallTarget::Create(
    const LoadgenOptions& options, const Workload& workload) {
  std::unique_ptr<CallTarget> target(new CallTarget(options));
  for (const WorkItem& item : workload.items()) {
    const std::string& key =
        options.target == Target::kExchange ? item.consumer : item.owner;
    if (target->endpoints_.count(key) == 0) {
      RETURN_IF_ERROR(target->AddEndpoint(key));
    }
  }
  return target;
}

absl::Status CallTarget::AddEndpoint(const std::string& key) {
  const std::string pki = options_.state_dir + "/pki";
  const std::string run = options_.state_dir + "/run";
  v1::TlsFiles files;
  files.set_ca_cert(pki + "/ca.pem");
  std::string server_name;
  int port = 0;
  if (options_.target == Target::kExchange) {
    files.set_cert(absl::StrCat(pki, "/dept-", key, ".pem"));
    files.set_key(absl::StrCat(pki, "/dept-", key, ".key"));
    server_name = security::ExchangeServerName(options_.trust_domain);
    ASSIGN_OR_RETURN(port, ReadPort(run + "/exchange.port"));
  } else {
    files.set_cert(pki + "/exchange.pem");
    files.set_key(pki + "/exchange.key");
    server_name = security::DepartmentServerName(options_.trust_domain, key);
    if (options_.target == Target::kAdapter) {
      ASSIGN_OR_RETURN(port,
                       ReadPort(absl::StrCat(run, "/adapter-", key, ".port")));
    } else {
      auto it = options_.proxy_ports.find(key);
      if (it == options_.proxy_ports.end()) {
        return absl::NotFoundError(absl::StrCat(
            "--proxy_ports has no port for department '", key, "'"));
      }
      port = it->second;
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   security::MakeChannelCredentials(files));
  Endpoint endpoint;
  endpoint.address = absl::StrCat("127.0.0.1:", port);
  for (int i = 0; i < options_.channels; ++i) {
    grpc::ChannelArguments args =
        security::ChannelArgsForServerName(server_name);
    // A distinct argument per channel keeps gRPC from sharing one
    // connection between them.
    args.SetInt("datarun.bench.channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel(endpoint.address, credentials, args);
    endpoint.channels.push_back(channel);
    if (options_.target == Target::kExchange) {
      endpoint.exchange_stubs.push_back(v1::Exchange::NewStub(channel));
    } else {
      endpoint.adapter_stubs.push_back(v1::Adapter::NewStub(channel));
    }
  }
  endpoints_[key] = std::move(endpoint);
  return absl::OkStatus();
}

absl::Status CallTarget::WaitConnected(absl::Duration timeout) {
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
  for (auto& [key, endpoint] : endpoints_) {
    for (auto& channel : endpoint.channels) {
      if (!channel->WaitForConnected(deadline)) {
        return absl::UnavailableError(
            absl::StrCat("could not connect to ", endpoint.address, " (", key,
                         ") within ", absl::FormatDuration(timeout)));
      }
    }
  }
  return absl::OkStatus();
}

void CallTarget::Start(const WorkItem& item, const std::string& subject,
                       int channel,
                       std::function<void(grpc::StatusCode)> done) {
  const std::string& key =
      options_.target == Target::kExchange ? item.consumer : item.owner;
  Endpoint& endpoint = endpoints_.find(key)->second;
  const size_t index = static_cast<size_t>(channel) % endpoint.channels.size();
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options_.deadline_ms);
  if (options_.target == Target::kExchange) {
    auto* call = new Call<v1::QueryRequest, v1::QueryResponse>();
    call->done = std::move(done);
    call->context.set_deadline(deadline);
    call->request.set_dataset(item.dataset);
    call->request.set_subject(subject);
    for (const std::string& field : item.fields)
      call->request.add_fields(field);
    FillContext(item, call->request.mutable_context());
    endpoint.exchange_stubs[index]->async()->Query(
        &call->context, &call->request, &call->response,
        [call](grpc::Status status) {
          call->done(status.error_code());
          delete call;
        });
    return;
  }
  auto* call = new Call<v1::FetchRequest, v1::FetchResponse>();
  call->done = std::move(done);
  call->context.set_deadline(deadline);
  call->request.set_dataset(item.dataset);
  call->request.set_subject(subject);
  for (const std::string& field : item.fields) call->request.add_fields(field);
  call->request.set_consumer(item.consumer);
  FillContext(item, call->request.mutable_context());
  endpoint.adapter_stubs[index]->async()->Fetch(
      &call->context, &call->request, &call->response,
      [call](grpc::Status status) {
        call->done(status.error_code());
        delete call;
      });
}

}  // namespace datarun::bench
