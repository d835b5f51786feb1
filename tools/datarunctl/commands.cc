#include "tools/datarunctl/commands.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "tools/datarunctl/render.h"

namespace datarun::ctl {

void SetDeadline(grpc::ClientContext& call, const CommandContext& context) {
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(context.connection.timeout_ms));
}

int Fail(const grpc::Status& status, std::ostream& err) {
  err << "error: " << GrpcCodeName(status.error_code()) << ": "
      << status.error_message() << "\n";
  return 1;
}

int FailSetup(const absl::Status& status, std::ostream& err) {
  err << "error: " << status.message() << "\n";
  return 1;
}

int RunCatalogCommand(const std::vector<std::string>& args,
                      CommandContext& context, std::ostream& out,
                      std::ostream& err) {
  if (args.empty() || (args[0] != "list" && args[0] != "describe") ||
      (args[0] == "list" && args.size() != 1) ||
      (args[0] == "describe" && args.size() != 2)) {
    err << "usage: datarunctl catalog list [--owner=DEPT]\n"
           "       datarunctl catalog describe <dataset>\n";
    return 2;
  }
  auto stub = ConnectToExchange(context.connection);
  if (!stub.ok()) return FailSetup(stub.status(), err);
  grpc::ClientContext call;
  SetDeadline(call, context);
  if (args[0] == "list") {
    v1::ListDatasetsRequest request;
    request.set_owner(context.owner);
    v1::ListDatasetsResponse response;
    grpc::Status status = (*stub)->ListDatasets(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    out << (context.json ? ToJson(response) : RenderDatasetList(response));
    return 0;
  }
  v1::DescribeDatasetRequest request;
  request.set_dataset(args[1]);
  v1::DescribeDatasetResponse response;
  grpc::Status status = (*stub)->DescribeDataset(&call, request, &response);
  if (!status.ok()) return Fail(status, err);
  out << (context.json ? ToJson(response) : RenderDataset(response.dataset()));
  return 0;
}

int RunQueryCommand(const std::vector<std::string>& args,
                    CommandContext& context, std::ostream& out,
                    std::ostream& err) {
  if (args.size() != 2) {
    err << "usage: datarunctl --as=DEPT query <dataset> <subject> "
           "--purpose=CODE [--fields=a,b] [--case=ID] [--official=ID]\n";
    return 2;
  }
  auto stub = ConnectToExchange(context.connection);
  if (!stub.ok()) return FailSetup(stub.status(), err);

  v1::QueryRequest request;
  request.set_dataset(args[0]);
  request.set_subject(args[1]);
  for (const std::string& field : context.fields) request.add_fields(field);
  request.mutable_context()->set_purpose(context.purpose);
  request.mutable_context()->set_case_id(context.case_id);
  request.mutable_context()->set_on_behalf_of(context.official);
  request.mutable_context()->set_request_id(context.request_id);

  grpc::ClientContext call;
  SetDeadline(call, context);
  v1::QueryResponse response;
  grpc::Status status = (*stub)->Query(&call, request, &response);
  if (!status.ok()) return Fail(status, err);
  if (context.json) {
    out << ToJson(response);
    return 0;
  }
  // The schema orders the fields; rendering works without it.
  grpc::ClientContext describe_call;
  SetDeadline(describe_call, context);
  v1::DescribeDatasetRequest describe;
  describe.set_dataset(args[0]);
  v1::DescribeDatasetResponse schema;
  bool have_schema =
      (*stub)->DescribeDataset(&describe_call, describe, &schema).ok();
  out << RenderQueryResponse(response,
                             have_schema ? &schema.dataset() : nullptr);
  return 0;
}

}  // namespace datarun::ctl
