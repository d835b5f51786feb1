#include "exchange/server/exchange_service.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "exchange/server/pooled_call.h"

namespace datarun::server {
namespace {

// Finishes `reactor` with `status` and logs the outcome of `method`.
void FinishAndLog(grpc::ServerUnaryReactor* reactor, absl::string_view method,
                  absl::string_view consumer, absl::Time started,
                  const absl::Status& status, LogLine& line) {
  line.Str("method", method)
      .Str("consumer", consumer)
      .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - started))
      .Status(status);
  reactor->Finish(ToGrpcStatus(status));
}

}  // namespace

ExchangeService::ExchangeService(Options options)
    : options_(std::move(options)) {}

absl::StatusOr<std::string> ExchangeService::Caller(
    grpc::CallbackServerContext* context) const {
  return options_.authenticator->CallingDepartment(context->auth_context(),
                                                   "Exchange");
}

grpc::ServerUnaryReactor* ExchangeService::Query(
    grpc::CallbackServerContext* context, const v1::QueryRequest* request,
    v1::QueryResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::string> consumer = Caller(context);
  if (!consumer.ok()) {
    LogLine line("request", LogLevel::kWarning);
    line.Str("dataset", request->dataset());
    FinishAndLog(reactor, "Query", "", started, consumer.status(), line);
    return reactor;
  }
  options_.processor->Query(
      *consumer, *request,
      CallDeadline(*context, options_.default_deadline, options_.max_deadline),
      [reactor, response, started, consumer = *consumer,
       dataset = request->dataset(), purpose = request->context().purpose()](
          absl::StatusOr<v1::QueryResponse> result) {
        absl::Status status = result.status();
        std::string request_id;
        if (result.ok()) {
          request_id = result->request_id();
          *response = std::move(*result);
        }
        LogLine line("request");
        line.Str("dataset", dataset).Str("purpose", purpose);
        if (!request_id.empty()) line.Str("request_id", request_id);
        if (status.ok()) line.Int("records", response->records_size());
        FinishAndLog(reactor, "Query", consumer, started, status, line);
      });
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::ListDatasets(
    grpc::CallbackServerContext* context,
    const v1::ListDatasetsRequest* request,
    v1::ListDatasetsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::string> consumer = Caller(context);
  absl::Status status = consumer.status();
  if (status.ok() && !request->owner().empty() &&
      !options_.catalog->HasDepartment(request->owner())) {
    status = absl::NotFoundError(
        absl::StrCat("owner: unknown department '", request->owner(), "'"));
  }
  if (status.ok()) {
    for (const v1::Department& department :
         options_.catalog->proto().departments()) {
      *response->add_departments() = department;
    }
    for (const v1::Dataset* dataset :
         options_.catalog->ListDatasets(request->owner())) {
      *response->add_datasets() = *dataset;
    }
  }
  LogLine line("request");
  FinishAndLog(reactor, "ListDatasets", consumer.ok() ? *consumer : "", started,
               status, line);
  return reactor;
}

grpc::ServerUnaryReactor* ExchangeService::DescribeDataset(
    grpc::CallbackServerContext* context,
    const v1::DescribeDatasetRequest* request,
    v1::DescribeDatasetResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::string> consumer = Caller(context);
  absl::Status status = consumer.status();
  if (status.ok()) {
    absl::StatusOr<const v1::Dataset*> dataset =
        options_.catalog->FindDataset(request->dataset());
    if (dataset.ok()) {
      *response->mutable_dataset() = **dataset;
      if (options_.policy != nullptr) {
        for (const v1::Grant& grant : options_.policy->grants()) {
          if (grant.dataset() == request->dataset()) {
            *response->add_grants() = grant;
          }
        }
      }
    } else {
      status = dataset.status();
    }
  }
  LogLine line("request");
  line.Str("dataset", request->dataset());
  FinishAndLog(reactor, "DescribeDataset", consumer.ok() ? *consumer : "",
               started, status, line);
  return reactor;
}

}  // namespace datarun::server
