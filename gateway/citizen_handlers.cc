// "Who read my data": a signed-in citizen's accesses, each entry's
// inclusion proof checked by the gateway as well as by the browser.
#include <memory>
#include <utility>

#include "exchange/audit/proof_check.h"
#include "gateway/audit_calls.h"
#include "gateway/handlers.h"
#include "gateway/query_params.h"

namespace datarun::gateway {
namespace {

// Fills the checks of `out` from the verifier key.
void VerifyAccesses(v1::MyAccessesResponse* out) {
  absl::StatusOr<checkpoint::NoteVerifier> verifier =
      checkpoint::NoteVerifier::FromVerifierKey(out->verifier_key());
  absl::StatusOr<checkpoint::Checkpoint> checkpoint =
      verifier.ok() ? audit::OpenCheckpoint(out->checkpoint(), *verifier)
                    : absl::StatusOr<checkpoint::Checkpoint>(verifier.status());
  out->set_checkpoint_verified(checkpoint.ok());
  for (v1::VerifiedEntry& entry : *out->mutable_entries()) {
    absl::Status verified = checkpoint.status();
    if (verified.ok()) {
      v1::ProvedEntry proved;
      proved.set_index(entry.index());
      *proved.mutable_entry() = entry.entry();
      proved.set_leaf_hash(entry.leaf_hash());
      *proved.mutable_inclusion_proof() = entry.inclusion_proof();
      verified = audit::VerifyProvedEntry(proved, *checkpoint);
    }
    entry.set_gateway_verified(verified.ok());
    if (!verified.ok()) entry.set_verify_error(std::string(verified.message()));
  }
}

void MyAccesses(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<int64_t> page_size =
      IntParam(call->request, "page_size", 0, 0, 200);
  if (!page_size.ok()) return call->Fail(page_size.status());
  v1::ListSubjectAccessesRequest request;
  request.set_subject(call->session->user.subject);
  request.set_page_size(static_cast<int32_t>(*page_size));
  request.set_page_token(call->request.Query("page_token"));
  ExchangeClients* clients = context.clients;
  GetCheckpoint(
      clients, clients->servicehall(),
      [clients, call, request = std::move(request)](
          absl::Status status, v1::GetCheckpointResponse latest) mutable {
        if (!status.ok()) return call->Fail(status);
        CallUnary<v1::ListSubjectAccessesRequest,
                  v1::ListSubjectAccessesResponse>(
            clients,
            [stub = clients->servicehall().audit.get()](auto* c, auto* q,
                                                        auto* r, auto cb) {
              stub->async()->ListSubjectAccesses(c, q, r, std::move(cb));
            },
            std::move(request),
            [call, key = latest.verifier_key()](
                absl::Status status, v1::ListSubjectAccessesResponse page) {
              if (!status.ok()) return call->Fail(status);
              v1::MyAccessesResponse out;
              for (v1::ProvedEntry& entry : *page.mutable_entries()) {
                v1::VerifiedEntry* verified = out.add_entries();
                verified->set_index(entry.index());
                *verified->mutable_entry() = std::move(*entry.mutable_entry());
                verified->set_leaf_hash(entry.leaf_hash());
                *verified->mutable_inclusion_proof() =
                    std::move(*entry.mutable_inclusion_proof());
              }
              *out.mutable_checkpoint() = page.checkpoint();
              out.set_next_page_token(page.next_page_token());
              out.set_verifier_key(key);
              VerifyAccesses(&out);
              call->Reply(out);
            });
      });
}

}  // namespace

absl::Status AddCitizenRoutes(Api* api) {
  const ApiContext& context = api->context();
  return api->Add(
      {"GET", "/api/v1/me/accesses", RoleBit(Role::kCitizen),
       "read a citizen's own accesses", true,
       [context](const ApiCallPtr& call) { MyAccesses(context, call); }});
}

}  // namespace datarun::gateway
