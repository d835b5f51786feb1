#include "exchange/server/identity_service.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace datarun::server {
namespace {

constexpr int kDefaultConflicts = 100;
constexpr int kMaxConflicts = 1000;
// A sync stops after this many pages, so that an adapter answering the same
// page forever cannot hold a pool thread.
constexpr int kMaxSyncPages = 100000;

}  // namespace

absl::StatusOr<std::unique_ptr<IdentityService>> IdentityService::Create(
    Options options) {
  if (options.registry == nullptr || options.catalog == nullptr ||
      options.router == nullptr || options.authenticator == nullptr) {
    return absl::InvalidArgumentError(
        "IdentityService needs the registry, the catalog, the router and the "
        "authenticator");
  }
  return std::unique_ptr<IdentityService>(
      new IdentityService(std::move(options)));
}

IdentityService::IdentityService(Options options)
    : options_(std::move(options)),
      access_(options_.access),
      pool_("identity", options_.threads, options_.max_queued) {}

absl::Status IdentityService::CheckKind(absl::string_view field,
                                        absl::string_view department,
                                        absl::string_view kind) const {
  std::vector<std::string> declared;
  for (const v1::Department& d : options_.catalog->proto().departments()) {
    if (d.id() != department) continue;
    for (const v1::LocalIdKind& k : d.local_ids()) {
      if (k.kind() == kind) return absl::OkStatus();
      declared.push_back(k.kind());
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": the catalog declares no local id kind '", kind,
      "' for department '", department, "' (declared: ",
      declared.empty() ? "none" : absl::StrJoin(declared, ", "), ")"));
}

grpc::ServerUnaryReactor* IdentityService::Run(
    grpc::CallbackServerContext* context, const char* method, PooledWork work) {
  const PooledCallSite site{options_.authenticator, &pool_, "Identity",
                            "identity_request"};
  return RunPooled(site, context, method, std::move(work));
}

absl::Status IdentityService::DoResolve(
    const std::string& caller, const v1::ResolveIdentityRequest& request,
    v1::ResolveIdentityResponse* response) {
  ASSIGN_OR_RETURN(identity::IdentityRegistry::Resolution resolution,
                   options_.registry->Resolve(request.subject()));
  // Which departments' identifiers the caller may see and asked for.
  absl::flat_hash_set<std::string> wanted(request.departments().begin(),
                                          request.departments().end());
  const bool sees_all = access_.SeesAll(caller);
  for (v1::IdentityLink& link : resolution.links) {
    const std::string& department = link.local_id().department();
    if (!sees_all && department != caller) continue;
    if (!wanted.empty() && !wanted.contains(department)) continue;
    *response->add_links() = std::move(link);
  }
  response->set_subject_kind(
      std::string(identity::SubjectKindName(resolution.kind)));
  response->set_subject_fingerprint(resolution.subject_fingerprint);
  response->set_upgraded_from_legacy(resolution.upgraded_from_legacy);
  response->set_merged_into(resolution.merged_into);
  if (response->links().empty()) {
    return absl::NotFoundError(
        sees_all ? "the identity registry holds no link for this subject"
                 : absl::StrCat("the identity registry holds no link of "
                                "department '",
                                caller, "' for this subject"));
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* IdentityService::Resolve(
    grpc::CallbackServerContext* context,
    const v1::ResolveIdentityRequest* request,
    v1::ResolveIdentityResponse* response) {
  return Run(
      context, "Resolve",
      [this, request, response](const std::string& caller, LogLine& line) {
        absl::Status status = DoResolve(caller, *request, response);
        line.Int("links", response->links_size());
        return status;
      });
}

grpc::ServerUnaryReactor* IdentityService::Link(
    grpc::CallbackServerContext* context,
    const v1::LinkIdentityRequest* request,
    v1::LinkIdentityResponse* response) {
  return Run(
      context, "Link",
      [this, request, response](const std::string& caller,
                                LogLine& line) -> absl::Status {
        line.Str("department", request->local_id().department())
            .Str("kind", request->local_id().kind());
        RETURN_IF_ERROR(
            access_.CheckLink(caller, request->local_id().department()));
        RETURN_IF_ERROR(CheckKind("local_id.kind",
                                  request->local_id().department(),
                                  request->local_id().kind()));
        ASSIGN_OR_RETURN(identity::IdentityRegistry::LinkResult result,
                         options_.registry->Link(
                             request->subject(), request->local_id(),
                             request->primary(), caller, request->basis()));
        line.Bool("changed", result.changed).Bool("conflict", result.conflict);
        *response->mutable_link() = std::move(result.link);
        response->set_changed(result.changed);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* IdentityService::Retract(
    grpc::CallbackServerContext* context,
    const v1::RetractIdentityRequest* request,
    v1::RetractIdentityResponse* /*response*/) {
  return Run(context, "Retract",
             [this, request](const std::string& caller,
                             LogLine& line) -> absl::Status {
               line.Str("department", request->local_id().department())
                   .Str("kind", request->local_id().kind());
               RETURN_IF_ERROR(access_.CheckRetract(
                   caller, request->local_id().department()));
               return options_.registry->Retract(request->subject(),
                                                 request->local_id(), caller,
                                                 request->basis());
             });
}

grpc::ServerUnaryReactor* IdentityService::Merge(
    grpc::CallbackServerContext* context,
    const v1::MergeIdentityRequest* request,
    v1::MergeIdentityResponse* response) {
  return Run(context, "Merge",
             [this, request, response](const std::string& caller,
                                       LogLine& line) -> absl::Status {
               RETURN_IF_ERROR(access_.CheckSteward(caller, "merge subjects"));
               ASSIGN_OR_RETURN(int moved, options_.registry->Merge(
                                               request->from_subject(),
                                               request->into_subject(), caller,
                                               request->basis()));
               line.Int("links_moved", moved);
               response->set_links_moved(moved);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* IdentityService::History(
    grpc::CallbackServerContext* context,
    const v1::IdentityHistoryRequest* request,
    v1::IdentityHistoryResponse* response) {
  return Run(
      context, "History",
      [this, request, response](const std::string& caller,
                                LogLine& line) -> absl::Status {
        RETURN_IF_ERROR(access_.CheckHistory(caller));
        ASSIGN_OR_RETURN(std::vector<v1::IdentityEvent> events,
                         options_.registry->History(request->subject()));
        // The fingerprint, when the subject has links (a subject
        // whose links were all retracted has history but none).
        absl::StatusOr<identity::IdentityRegistry::Resolution> resolved =
            options_.registry->Resolve(request->subject());
        if (resolved.ok()) {
          response->set_subject_fingerprint(resolved->subject_fingerprint);
        }
        for (v1::IdentityEvent& event : events) {
          *response->add_events() = std::move(event);
        }
        line.Int("events", response->events_size());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* IdentityService::ListConflicts(
    grpc::CallbackServerContext* context,
    const v1::ListIdentityConflictsRequest* request,
    v1::ListIdentityConflictsResponse* response) {
  return Run(context, "ListConflicts",
             [this, request, response](const std::string& caller,
                                       LogLine& line) -> absl::Status {
               RETURN_IF_ERROR(
                   access_.CheckSteward(caller, "list identity conflicts"));
               int limit = request->limit();
               if (limit < 0 || limit > kMaxConflicts) {
                 return absl::InvalidArgumentError(absl::StrCat(
                     "limit: ", limit, " is out of range; ask for 1 to ",
                     kMaxConflicts, " (0 means ", kDefaultConflicts, ")"));
               }
               if (limit == 0) limit = kDefaultConflicts;
               ASSIGN_OR_RETURN(std::vector<v1::IdentityConflict> conflicts,
                                options_.registry->ListConflicts(limit));
               for (v1::IdentityConflict& conflict : conflicts) {
                 *response->add_conflicts() = std::move(conflict);
               }
               line.Int("conflicts", response->conflicts_size());
               return absl::OkStatus();
             });
}

absl::Status IdentityService::DoSync(const std::string& caller,
                                     const std::string& department,
                                     v1::SyncIdentityResponse* response) {
  const std::vector<std::string> departments = options_.router->Departments();
  if (std::find(departments.begin(), departments.end(), department) ==
      departments.end()) {
    return absl::NotFoundError(
        absl::StrCat("department: no adapter is configured for department '",
                     department, "'"));
  }
  // Every assertion of the page is recorded as made by `department`: an
  // adapter speaks only for its own department.
  v1::ListLocalIdsRequest page_request;
  page_request.set_page_size(options_.sync_page_size);
  for (int page = 0; page < kMaxSyncPages; ++page) {
    ASSIGN_OR_RETURN(v1::ListLocalIdsResponse assertions,
                     options_.router->ListLocalIds(
                         department, page_request,
                         absl::Now() + options_.sync_page_deadline));
    // Assertions of kinds the catalog does not declare are refused here;
    // the registry refuses malformed ones.
    google::protobuf::RepeatedPtrField<v1::LocalIdAssertion> declared;
    int64_t undeclared = 0;
    for (v1::LocalIdAssertion& assertion : *assertions.mutable_assertions()) {
      absl::Status kind = CheckKind("kind", department, assertion.kind());
      if (kind.ok()) {
        *declared.Add() = std::move(assertion);
        continue;
      }
      ++undeclared;
      if (response->rejection_samples_size() < 10) {
        response->add_rejection_samples(std::string(kind.message()));
      }
    }
    ASSIGN_OR_RETURN(
        identity::IdentityRegistry::SyncStats stats,
        options_.registry->LinkBatch(department, declared, caller));
    stats.read += undeclared;
    stats.rejected += undeclared;
    response->set_assertions_read(response->assertions_read() + stats.read);
    // A link whose primary flag changed counts as added: it changed.
    response->set_links_added(response->links_added() + stats.added +
                              stats.updated);
    response->set_links_unchanged(response->links_unchanged() +
                                  stats.unchanged);
    response->set_conflicts_flagged(response->conflicts_flagged() +
                                    stats.conflicts);
    response->set_assertions_rejected(response->assertions_rejected() +
                                      stats.rejected);
    for (std::string& sample : stats.samples) {
      if (response->rejection_samples_size() >= 10) break;
      response->add_rejection_samples(std::move(sample));
    }
    if (assertions.next_page_token().empty()) return absl::OkStatus();
    if (assertions.next_page_token() == page_request.page_token()) {
      return absl::InternalError(
          absl::StrCat("department '", department,
                       "' returned the same page token twice; sync stopped"));
    }
    page_request.set_page_token(assertions.next_page_token());
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("department '", department, "' sent more than ",
                   kMaxSyncPages, " pages; sync stopped"));
}

grpc::ServerUnaryReactor* IdentityService::Sync(
    grpc::CallbackServerContext* context,
    const v1::SyncIdentityRequest* request,
    v1::SyncIdentityResponse* response) {
  return Run(
      context, "Sync",
      [this, request, response](const std::string& caller,
                                LogLine& line) -> absl::Status {
        line.Str("department", request->department());
        RETURN_IF_ERROR(access_.CheckSync(caller, request->department()));
        absl::Status status = DoSync(caller, request->department(), response);
        line.Int("read", response->assertions_read())
            .Int("added", response->links_added())
            .Int("conflicts", response->conflicts_flagged())
            .Int("rejected", response->assertions_rejected());
        return status;
      });
}

}  // namespace datarun::server
