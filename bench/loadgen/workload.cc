#include "bench/loadgen/workload.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "datarun/v1/policy.pb.h"
#include "exchange/identity/subject_id.h"
#include "google/protobuf/text_format.h"

namespace datarun::bench {
namespace {

// Subjects each dataset's owner holds a record about, by the key its
// adapter looks records up with (see adapters/<dept>/<dept>_service.cc).
const std::map<std::string, std::string>& SubjectQueries() {
  static const auto* queries = new std::map<std::string, std::string>{
      {"land.property_title",
       "SELECT DISTINCT q.ZJHM FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
       "WHERE z.QSZT = 1 ORDER BY q.ZJHM LIMIT ?"},
      {"land.parcel",
       "SELECT DISTINCT q.ZJHM FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
       "WHERE z.QSZT = 1 ORDER BY q.ZJHM LIMIT ?"},
      {"housing.sale_contract",
       "SELECT DISTINCT ZJHM FROM HT_JYF ORDER BY ZJHM LIMIT ?"},
      {"housing.dwelling_count",
       "SELECT DISTINCT ZJHM FROM FW_TJ_CY ORDER BY ZJHM LIMIT ?"},
      {"registry.marriage",
       "SELECT DISTINCT NFSFZ FROM HY_DJ ORDER BY NFSFZ LIMIT ?"},
      {"registry.household",
       "SELECT GMSFHM FROM HJ_RY WHERE RYZT = '0' ORDER BY GMSFHM LIMIT ?"},
      {"tax.payment_certificate",
       "SELECT DISTINCT n.ZJHM FROM WSZM w JOIN DJ_NSRXX n "
       "ON n.NSRSBH = w.NSRSBH ORDER BY n.ZJHM LIMIT ?"},
  };
  return *queries;
}

// Today in China Standard Time, "YYYY-MM-DD" (how validity dates are read).
std::string Today(absl::Time now) {
  return absl::FormatTime("%Y-%m-%d", now, absl::FixedTimeZone(8 * 3600));
}

absl::StatusOr<std::vector<std::string>> ReadSubjects(
    const std::string& db_path, const std::string& sql, int limit) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqliteDb> db,
      legacy::SqliteDb::Open(db_path, legacy::SqliteDb::Mode::kReadOnly));
  std::vector<std::string> subjects;
  RETURN_IF_ERROR(db->Query(sql, {legacy::SqlValue(int64_t{limit})},
                            [&](const legacy::SqliteRow& row) {
                              // Legacy stores still hold some 15-digit
                              // numbers; a consumer sends the 18-digit
                              // form, and so does the load.
                              identity::SubjectKind kind;
                              absl::StatusOr<std::string> subject =
                                  identity::NormalizeSubject(row.Text(0),
                                                             &kind);
                              if (subject.ok()) {
                                subjects.push_back(*std::move(subject));
                              }
                              return absl::OkStatus();
                            }));
  return subjects;
}

}  // namespace

uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

absl::StatusOr<std::unique_ptr<Workload>> Workload::Load(
    absl::string_view policy_file, absl::string_view data_dir,
    int subjects_per_dataset, absl::Time now) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(policy_file));
  v1::Policy policy;
  if (!google::protobuf::TextFormat::ParseFromString(text, &policy)) {
    return absl::InvalidArgumentError(
        absl::StrCat(policy_file, ": not a datarun.v1.Policy text proto"));
  }
  const std::string today = Today(now);
  std::map<std::string, std::vector<std::string>> pools;
  std::vector<WorkItem> items;
  std::vector<std::string> skipped;
  for (const v1::Grant& grant : policy.grants()) {
    auto query = SubjectQueries().find(grant.dataset());
    std::string why;
    if (!grant.case_type().empty()) {
      why = "bound to case type " + grant.case_type();
    } else if (!grant.not_before().empty() &&
               grant.not_before().substr(0, 10) > today) {
      why = "not valid before " + grant.not_before();
    } else if (!grant.not_after().empty() &&
               grant.not_after().substr(0, 10) < today) {
      why = "expired on " + grant.not_after();
    } else if (query == SubjectQueries().end()) {
      why = "no subject query for dataset " + grant.dataset();
    } else if (grant.purposes().empty()) {
      why = "no purpose";
    }
    if (!why.empty()) {
      skipped.push_back(absl::StrCat(grant.id(), ": ", why));
      continue;
    }
    WorkItem item;
    item.grant_id = grant.id();
    item.consumer = grant.consumer();
    item.dataset = grant.dataset();
    item.owner = grant.dataset().substr(0, grant.dataset().find('.'));
    item.purpose = grant.purposes(0);
    item.fields.assign(grant.fields().begin(), grant.fields().end());
    auto pool = pools.find(item.dataset);
    if (pool == pools.end()) {
      ASSIGN_OR_RETURN(
          std::vector<std::string> subjects,
          ReadSubjects(absl::StrCat(data_dir, "/", item.owner, ".db"),
                       query->second, subjects_per_dataset));
      pool = pools.emplace(item.dataset, std::move(subjects)).first;
    }
    item.subjects = pool->second;
    if (item.subjects.empty()) {
      skipped.push_back(absl::StrCat(grant.id(), ": ", item.owner,
                                     ".db holds no subject for ",
                                     item.dataset));
      continue;
    }
    items.push_back(std::move(item));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Workload> workload,
                   FromItems(std::move(items)));
  workload->skipped_ = std::move(skipped);
  return workload;
}

absl::StatusOr<std::unique_ptr<Workload>> Workload::FromItems(
    std::vector<WorkItem> items) {
  std::unique_ptr<Workload> workload(new Workload());
  for (WorkItem& item : items) {
    if (!item.subjects.empty()) workload->items_.push_back(std::move(item));
  }
  if (workload->items_.empty()) {
    return absl::FailedPreconditionError(
        "the workload is empty: no usable grant with subjects");
  }
  return workload;
}

Workload::Pick Workload::Next(uint64_t& rng) const {
  const WorkItem& item = items_[NextRandom(rng) % items_.size()];
  const std::string& subject =
      item.subjects[NextRandom(rng) % item.subjects.size()];
  return Pick{&item, &subject};
}

}  // namespace datarun::bench
