// The catalog browser's data: datasets, departments, one dataset's schema
// and the grants on it.
#include <utility>

#include "gateway/handlers.h"

namespace datarun::gateway {
namespace {

void ListCatalog(const ApiContext& context, const ApiCallPtr& call) {
  ExchangeIdentity& identity = IdentityFor(context, *call->session);
  v1::ListDatasetsRequest request;
  request.set_owner(call->request.Query("owner"));
  CallUnary<v1::ListDatasetsRequest, v1::ListDatasetsResponse>(
      context.clients,
      [stub = identity.exchange.get()](auto* c, auto* q, auto* r, auto done) {
        stub->async()->ListDatasets(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::ListDatasetsResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

void DescribeDataset(const ApiContext& context, const ApiCallPtr& call) {
  ExchangeIdentity& identity = IdentityFor(context, *call->session);
  v1::DescribeDatasetRequest request;
  request.set_dataset(call->Param("id"));
  CallUnary<v1::DescribeDatasetRequest, v1::DescribeDatasetResponse>(
      context.clients,
      [stub = identity.exchange.get()](auto* c, auto* q, auto* r, auto done) {
        stub->async()->DescribeDataset(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::DescribeDatasetResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

}  // namespace

absl::Status AddCatalogRoutes(Api* api) {
  const ApiContext& context = api->context();
  absl::Status status = api->Add(
      {"GET", "/api/v1/catalog", kOfficials, "read the catalog", true,
       [context](const ApiCallPtr& call) { ListCatalog(context, call); }});
  if (!status.ok()) return status;
  return api->Add({"GET", "/api/v1/catalog/datasets/{id}", kOfficials,
                   "read the catalog", true, [context](const ApiCallPtr& call) {
                     DescribeDataset(context, call);
                   }});
}

}  // namespace datarun::gateway
