#include "exchange/intake/intake_checker.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/identity/subject_id.h"

namespace datarun::intake {
namespace {}  // namespace

// One check in flight: the response under construction and the pulls still
// outstanding.
struct IntakeChecker::Call {
  Done done;
  absl::Mutex mu;
  v1::IntakeCheckResponse response ABSL_GUARDED_BY(mu);
  int outstanding ABSL_GUARDED_BY(mu) = 0;

  // Records one pull's outcome; the last one finishes the call.
  void Finished(int index, const v1::Material& material,
                const v1::CaseType& case_type,
                const absl::StatusOr<v1::QueryResponse>& result) {
    bool last = false;
    {
      absl::MutexLock lock(&mu);
      ClassifyPull(material, case_type, result,
                   response.mutable_materials(index));
      last = --outstanding == 0;
    }
    if (last) Complete();
  }

  void Complete() {
    v1::IntakeCheckResponse out;
    {
      absl::MutexLock lock(&mu);
      Summarize(&response);
      out = std::move(response);
    }
    done(std::move(out));
  }
};

void ClassifyPull(const v1::Material& material, const v1::CaseType& case_type,
                  const absl::StatusOr<v1::QueryResponse>& result,
                  v1::MaterialCheck* check) {
  if (result.ok()) {
    check->set_audit_entry_index(result->receipt().entry_index());
    if (result->records_size() > 0) {
      check->set_status(v1::MATERIAL_STATUS_PULLED);
      check->set_records(result->records_size());
      check->set_detail(absl::StrCat("pulled from ", check->department(),
                                     " under grant '", result->grant_id(),
                                     "'"));
      return;
    }
  }
  std::string why;
  if (result.ok() || result.status().code() == absl::StatusCode::kNotFound) {
    why = absl::StrCat(check->department(), " holds no record");
  } else {
    why = absl::StrCat(check->department(), ": ",
                       absl::StatusCodeToString(result.status().code()), ": ",
                       result.status().message());
  }
  if (!material.issued_by_step().empty()) {
    const v1::Step* step =
        cases::FindStep(case_type, material.issued_by_step());
    check->set_status(v1::MATERIAL_STATUS_ISSUED_IN_CASE);
    check->set_detail(absl::StrCat(
        "issued during the case by step '", material.issued_by_step(), "'",
        step != nullptr ? absl::StrCat(" (", step->department(), ")") : "",
        "; now: ", why));
  } else if (material.deferrable()) {
    check->set_status(v1::MATERIAL_STATUS_MISSING_DEFERRABLE);
    check->set_defer_days(material.defer_days());
    check->set_detail(absl::StrCat(why, "; may be supplied within ",
                                   material.defer_days(), " days"));
  } else {
    check->set_status(v1::MATERIAL_STATUS_MISSING_REQUIRED);
    check->set_detail(why);
  }
}

void Summarize(v1::IntakeCheckResponse* response) {
  int required = 0, shared = 0, to_provide = 0, missing = 0, deferrable = 0;
  bool presence = false;
  for (const v1::MaterialCheck& check : response->materials()) {
    if (check.status() == v1::MATERIAL_STATUS_NOT_APPLICABLE) continue;
    ++required;
    presence = presence || check.requires_presence();
    switch (check.status()) {
      case v1::MATERIAL_STATUS_PULLED:
      case v1::MATERIAL_STATUS_ISSUED_IN_CASE:
        ++shared;
        break;
      case v1::MATERIAL_STATUS_TO_PROVIDE:
        ++to_provide;
        break;
      case v1::MATERIAL_STATUS_MISSING_REQUIRED:
        ++missing;
        break;
      case v1::MATERIAL_STATUS_MISSING_DEFERRABLE:
        ++deferrable;
        break;
      default:
        break;
    }
  }
  response->set_required(required);
  response->set_from_shared_data(shared);
  response->set_to_provide(to_provide);
  response->set_missing_required(missing);
  response->set_deferrable(deferrable);
  // A paper that must be signed in person, or a required one nobody holds,
  // brings the applicant to the counter once; everything else is pulled,
  // issued in the case, uploaded, or supplied later.
  response->set_trips(presence || missing > 0 ? 1 : 0);
}

void IntakeChecker::Check(const std::string& consumer,
                          const v1::IntakeCheckRequest& request,
                          absl::Time deadline, Done done) const {
  absl::StatusOr<const v1::CaseType*> found =
      options_.case_types->Find(request.case_type());
  if (!found.ok()) {
    done(found.status());
    return;
  }
  const v1::CaseType& type = **found;
  std::string party = request.party();
  if (party.empty() && !type.parties().empty()) party = type.parties(0);
  if (std::find(type.parties().begin(), type.parties().end(), party) ==
      type.parties().end()) {
    done(absl::InvalidArgumentError(absl::StrCat(
        "party: case type '", type.id(), "' has no party '", party,
        "' (parties: ", absl::StrJoin(type.parties(), ", "), ")")));
    return;
  }
  identity::SubjectKind kind = identity::SubjectKind::kPerson;
  absl::StatusOr<std::string> subject =
      identity::NormalizeSubject(request.subject(), &kind);
  if (!subject.ok()) {
    done(subject.status());
    return;
  }

  auto call = std::make_shared<Call>();
  call->done = std::move(done);
  struct Pull {
    int index;
    const v1::Material* material;
    v1::QueryRequest query;
  };
  std::vector<Pull> pulls;
  {
    absl::MutexLock lock(&call->mu);
    v1::IntakeCheckResponse& response = call->response;
    response.set_case_type(type.id());
    response.set_party(party);
    response.set_subject_kind(std::string(identity::SubjectKindName(kind)));
    for (const v1::Material& material : type.materials()) {
      if (material.party() != party) continue;
      const int index = response.materials_size();
      v1::MaterialCheck* check = response.add_materials();
      check->set_material(material.id());
      check->set_title(material.title());
      check->set_requires_presence(material.requires_presence());
      if (!cases::MaterialApplies(material, kind)) {
        check->set_status(v1::MATERIAL_STATUS_NOT_APPLICABLE);
        check->set_requires_presence(false);
        check->set_detail(kind == identity::SubjectKind::kPerson
                              ? "not required of a person"
                              : "not required of an organisation");
        continue;
      }
      if (material.dataset().empty()) {
        check->set_status(v1::MATERIAL_STATUS_TO_PROVIDE);
        check->set_detail(material.requires_presence()
                              ? "to be signed by the applicant in person"
                              : "to be uploaded by the applicant");
        continue;
      }
      check->set_dataset(material.dataset());
      absl::StatusOr<const v1::Dataset*> dataset =
          options_.catalog->FindDataset(material.dataset());
      check->set_department(dataset.ok() ? (*dataset)->owner() : "");
      Pull pull{index, &material, {}};
      pull.query.set_dataset(material.dataset());
      pull.query.set_subject(*subject);
      *pull.query.mutable_fields() = material.fields();
      v1::RequestContext* context = pull.query.mutable_context();
      *context = request.context();
      context->set_purpose(type.purpose());
      if (!request.context().request_id().empty()) {
        context->set_request_id(
            absl::StrCat(request.context().request_id(), "/", material.id()));
      }
      pulls.push_back(std::move(pull));
    }
    call->outstanding = static_cast<int>(pulls.size());
  }
  if (pulls.empty()) {
    call->Complete();
    return;
  }
  for (Pull& pull : pulls) {
    const int index = pull.index;
    const v1::Material* material = pull.material;
    options_.query(consumer, pull.query, deadline,
                   [call, index, material,
                    &type](absl::StatusOr<v1::QueryResponse> result) {
                     call->Finished(index, *material, type, result);
                   });
  }
}

}  // namespace datarun::intake
