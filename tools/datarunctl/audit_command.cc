#include "tools/datarunctl/audit_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "exchange/audit/proof_check.h"
#include "exchange/audit/verifier.h"
#include "exchange/identity/subject_id.h"
#include "google/protobuf/util/json_util.h"
#include "tools/datarunctl/audit_render.h"
#include "tools/datarunctl/audit_session.h"
#include "tools/datarunctl/exchange_client.h"
#include "tools/datarunctl/render.h"

namespace datarun::ctl {
namespace {

constexpr char kUsage[] =
    "usage: datarunctl audit verify [--dir=DIR] [--verifier_key=KEY]\n"
    "       datarunctl audit proof <index> [--tree_size=N]\n"
    "       datarunctl audit search [--consumer=D] [--dataset=X] "
    "[--purpose=P] [--subject=ID]\n"
    "                              [--from=TIME] [--to=TIME] [--limit=N]\n"
    "       datarunctl audit who-accessed <identity number>\n"
    "       datarunctl audit export [--from=I] [--to=J] --out=FILE\n"
    "Calls act as --as (default audit; who-accessed: servicehall). TIME is\n"
    "RFC 3339 or YYYY-MM-DD; export writes entries I..J-1.\n";

// Entries per page when paging through ListEntries.
constexpr int kExportPage = 1000;

int Fail(const absl::Status& status, std::ostream& err) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": "
      << status.message() << "\n";
  return 1;
}

int Usage(std::ostream& err) {
  err << kUsage;
  return 2;
}

// One line of protobuf JSON (for JSON lines output).
std::string JsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json + "\n";
}

absl::StatusOr<uint64_t> ParseIndex(absl::string_view what,
                                    absl::string_view value) {
  uint64_t index = 0;
  if (!absl::SimpleAtoi(value, &index)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": '", value, "' is not an entry index (0, 1, 2, ...)"));
  }
  return index;
}

// Unix micros of a --from/--to time; 0 for an empty flag.
absl::StatusOr<int64_t> ParseTimeFlag(absl::string_view flag,
                                      const std::string& value) {
  if (value.empty()) return 0;
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, value, &time, &error) ||
      absl::ParseTime("%Y-%m-%d", value, absl::LocalTimeZone(), &time,
                      &error)) {
    return absl::ToUnixMicros(time);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": '", value,
                   "' is not a time; write 2026-11-27 or "
                   "2026-11-27T09:30:00+08:00"));
}

// Returns 1 and names the first entry that failed, else 0.
int FirstFailure(const std::vector<CheckedEntry>& entries, std::ostream& err) {
  for (const CheckedEntry& entry : entries) {
    if (!entry.verified.ok()) return Fail(entry.verified, err);
  }
  return 0;
}

int RunVerify(CommandContext& context, const AuditFlags& flags,
              std::ostream& out, std::ostream& err) {
  const std::string dir = flags.dir.empty()
                              ? context.connection.state_dir + "/audit/log"
                              : flags.dir;
  std::string key;
  if (!flags.verifier_key.empty()) {
    absl::StatusOr<std::string> text = VerifierKeyText(flags.verifier_key);
    if (!text.ok()) return Fail(text.status(), err);
    key = *text;
  }
  absl::StatusOr<audit::VerifyReport> report = audit::VerifyLog(dir, key);
  if (!report.ok()) {
    err << "audit log " << dir << ": NOT VERIFIED\n";
    return Fail(report.status(), err);
  }
  if (context.json) {
    std::string json = "{\"dir\":";
    AppendJsonString(dir, &json);
    absl::StrAppend(&json, ",\"verified\":true,\"entries\":", report->entries,
                    ",\"checkpoints\":", report->checkpoints,
                    ",\"index_keys\":", report->index_keys, ",\"root\":\"",
                    merkle::HashToHex(report->root), "\",\"pinned_key\":",
                    flags.verifier_key.empty() ? "false" : "true", "}\n");
    out << json;
  } else {
    out << RenderVerifyReport(dir, *report, !flags.verifier_key.empty());
  }
  return 0;
}

int RunProof(const std::string& index_text, CommandContext& context,
             const AuditFlags& flags, std::ostream& out, std::ostream& err) {
  absl::StatusOr<uint64_t> index = ParseIndex("index", index_text);
  if (!index.ok()) return Fail(index.status(), err);
  auto session = AuditSession::Connect(context.connection, flags.verifier_key);
  if (!session.ok()) return Fail(session.status(), err);
  absl::StatusOr<v1::GetCheckpointResponse> latest = (*session)->Start(false);
  if (!latest.ok()) return Fail(latest.status(), err);

  v1::GetInclusionProofRequest request;
  request.set_entry_index(*index);
  request.set_tree_size(flags.tree_size);
  v1::GetInclusionProofResponse proof;
  absl::Status status = (*session)->Call([&](grpc::ClientContext* c) {
    return (*session)->audit().GetInclusionProof(c, request, &proof);
  });
  if (!status.ok()) return Fail(status, err);
  if (!proof.has_checkpoint()) {
    return Fail(absl::FailedPreconditionError(absl::StrCat(
                    "the exchange signed no checkpoint of tree size ",
                    proof.tree_size(),
                    " that it still serves; omit --tree_size to prove "
                    "against the latest checkpoint")),
                err);
  }
  absl::StatusOr<checkpoint::Checkpoint> checkpoint =
      (*session)->Open(proof.checkpoint());
  if (!checkpoint.ok()) return Fail(checkpoint.status(), err);
  absl::Status verified = audit::VerifyInclusion(*index, proof.leaf_hash(),
                                                 proof.proof(), *checkpoint);

  // Audit readers may also see the entry; check it matches the leaf.
  v1::ListEntriesRequest list;
  list.set_begin(*index);
  list.set_limit(1);
  list.set_tree_size(proof.tree_size());
  v1::ListEntriesResponse listed;
  const v1::AuditEntry* entry = nullptr;
  if ((*session)
          ->Call([&](grpc::ClientContext* c) {
            return (*session)->audit().ListEntries(c, list, &listed);
          })
          .ok() &&
      listed.entries_size() == 1) {
    entry = &listed.entries(0).entry();
    if (verified.ok() &&
        merkle::HashBytes(audit::EntryLeafHash(*entry)) != proof.leaf_hash()) {
      verified = absl::DataLossError(absl::StrCat(
          "entry ", *index, ": the entry served does not match its leaf hash"));
    }
  }
  if (context.json) {
    out << ToJson(proof);
  } else {
    out << RenderProof(*index, proof.leaf_hash(), proof.proof_size(),
                       *checkpoint, (*session)->key(), entry, verified);
  }
  return verified.ok() ? 0 : Fail(verified, err);
}

// Pages through SearchEntries or ListSubjectAccesses: `fetch` gets one page
// for a token and returns its entries, checkpoint and next token.
template <typename Response>
int CollectPages(AuditSession& session, int limit,
                 const std::function<absl::Status(const std::string& token,
                                                  Response* page)>& fetch,
                 bool json, std::ostream& out, std::ostream& err,
                 std::vector<CheckedEntry>* entries) {
  std::string token;
  do {
    Response page;
    absl::Status status = fetch(token, &page);
    if (!status.ok()) return Fail(status, err);
    if (json) out << JsonLine(page);
    session.CheckPage(page.entries(), page.checkpoint(), entries);
    token = page.next_page_token();
  } while (!token.empty() && static_cast<int>(entries->size()) < limit);
  return 0;
}

int RunSearch(CommandContext& context, const AuditFlags& flags,
              std::ostream& out, std::ostream& err) {
  v1::SearchEntriesRequest request;
  request.set_consumer(flags.consumer);
  request.set_dataset(flags.dataset);
  request.set_purpose(flags.purpose);
  request.set_subject(flags.subject);
  absl::StatusOr<int64_t> from = ParseTimeFlag("--from", flags.from);
  if (!from.ok()) return Fail(from.status(), err);
  absl::StatusOr<int64_t> to = ParseTimeFlag("--to", flags.to);
  if (!to.ok()) return Fail(to.status(), err);
  request.set_from_micros(*from);
  request.set_to_micros(*to);
  auto session = AuditSession::Connect(context.connection, flags.verifier_key);
  if (!session.ok()) return Fail(session.status(), err);
  absl::StatusOr<v1::GetCheckpointResponse> latest = (*session)->Start(false);
  if (!latest.ok()) return Fail(latest.status(), err);
  std::vector<CheckedEntry> entries;
  int rc = CollectPages<v1::SearchEntriesResponse>(
      **session, flags.limit,
      [&](const std::string& token, v1::SearchEntriesResponse* page) {
        request.set_page_token(token);
        return (*session)->Call([&](grpc::ClientContext* c) {
          return (*session)->audit().SearchEntries(c, request, page);
        });
      },
      context.json, out, err, &entries);
  if (rc != 0) return rc;
  if (!context.json) {
    out << RenderSearch(entries, (*session)->key(), absl::LocalTimeZone());
  }
  return FirstFailure(entries, err);
}

int RunWhoAccessed(const std::string& subject, CommandContext& context,
                   const AuditFlags& flags, std::ostream& out,
                   std::ostream& err) {
  auto session = AuditSession::Connect(context.connection, flags.verifier_key);
  if (!session.ok()) return Fail(session.status(), err);
  absl::StatusOr<v1::GetCheckpointResponse> latest = (*session)->Start(false);
  if (!latest.ok()) return Fail(latest.status(), err);
  v1::ListSubjectAccessesRequest request;
  request.set_subject(subject);
  std::vector<CheckedEntry> entries;
  int rc = CollectPages<v1::ListSubjectAccessesResponse>(
      **session, flags.limit,
      [&](const std::string& token, v1::ListSubjectAccessesResponse* page) {
        request.set_page_token(token);
        return (*session)->Call([&](grpc::ClientContext* c) {
          return (*session)->audit().ListSubjectAccesses(c, request, page);
        });
      },
      context.json, out, err, &entries);
  if (rc != 0) return rc;
  if (!context.json) {
    // Display names; the report still works with bare ids.
    v1::ListDatasetsResponse catalog;
    (void)(*session)->Call([&](grpc::ClientContext* c) {
      return (*session)->exchange().ListDatasets(c, {}, &catalog);
    });
    out << RenderWhoAccessed(identity::MaskSubject(subject), entries,
                             NamesFrom(catalog), (*session)->key(),
                             absl::LocalTimeZone());
  }
  return FirstFailure(entries, err);
}

int RunExport(CommandContext& context, const AuditFlags& flags,
              std::ostream& out, std::ostream& err) {
  if (flags.out.empty()) return Usage(err);
  auto session = AuditSession::Connect(context.connection, flags.verifier_key);
  if (!session.ok()) return Fail(session.status(), err);
  // A published checkpoint: the archive stays provable against the history.
  absl::StatusOr<v1::GetCheckpointResponse> head = (*session)->Start(true);
  if (!head.ok()) return Fail(head.status(), err);
  absl::StatusOr<checkpoint::Checkpoint> checkpoint =
      (*session)->Open(head->checkpoint());
  if (!checkpoint.ok()) return Fail(checkpoint.status(), err);
  uint64_t from = 0;
  uint64_t to = checkpoint->size;
  if (!flags.from.empty()) {
    absl::StatusOr<uint64_t> parsed = ParseIndex("--from", flags.from);
    if (!parsed.ok()) return Fail(parsed.status(), err);
    from = *parsed;
  }
  if (!flags.to.empty()) {
    absl::StatusOr<uint64_t> parsed = ParseIndex("--to", flags.to);
    if (!parsed.ok()) return Fail(parsed.status(), err);
    to = *parsed;
  }
  if (from > to || to > checkpoint->size) {
    return Fail(absl::InvalidArgumentError(
                    absl::StrCat("--from=", from, " --to=", to,
                                 ": need from <= to <= ", checkpoint->size,
                                 " (the size of the log's latest checkpoint)")),
                err);
  }
  const std::string tmp = flags.out + ".partial";
  std::ofstream file(tmp, std::ios::trunc);
  if (!file) {
    return Fail(absl::PermissionDeniedError(absl::StrCat("cannot write ", tmp)),
                err);
  }
  file << JsonLine(*head);
  uint64_t begin = from;
  while (begin < to) {
    v1::ListEntriesRequest request;
    request.set_begin(begin);
    request.set_limit(
        static_cast<int>(std::min<uint64_t>(kExportPage, to - begin)));
    request.set_include_proofs(true);
    request.set_tree_size(checkpoint->size);
    v1::ListEntriesResponse page;
    absl::Status status = (*session)->Call([&](grpc::ClientContext* c) {
      return (*session)->audit().ListEntries(c, request, &page);
    });
    if (status.ok() && page.entries_size() == 0) {
      status = absl::InternalError(
          absl::StrCat("the exchange returned no entries from ", begin));
    }
    for (const v1::ProvedEntry& entry : page.entries()) {
      if (!status.ok()) break;
      status = audit::VerifyProvedEntry(entry, *checkpoint);
      file << JsonLine(entry);
    }
    if (!status.ok()) {
      file.close();
      std::remove(tmp.c_str());
      return Fail(status, err);
    }
    begin = page.next_begin();
  }
  file.close();
  if (!file || std::rename(tmp.c_str(), flags.out.c_str()) != 0) {
    return Fail(absl::InternalError(absl::StrCat("cannot write ", flags.out)),
                err);
  }
  if (context.json) {
    std::string json = "{\"out\":";
    AppendJsonString(flags.out, &json);
    absl::StrAppend(&json, ",\"from\":", from, ",\"to\":", to,
                    ",\"tree_size\":", checkpoint->size, "}\n");
    out << json;
  } else {
    out << "exported entries " << from << ".." << to << " (exclusive) to "
        << flags.out << "\n  " << (to - from)
        << " entries, each verified against the checkpoint of "
        << checkpoint->size << " entries (first line of the file), signed by "
        << (*session)->key().key_name << "\n";
  }
  return 0;
}

}  // namespace

int RunAuditCommand(const std::vector<std::string>& args,
                    CommandContext& context, const AuditFlags& flags,
                    std::ostream& out, std::ostream& err) {
  if (args.empty()) return Usage(err);
  const std::string& command = args[0];
  if (context.connection.as_department.empty() &&
      context.connection.cert.empty()) {
    context.connection.as_department =
        command == "who-accessed" ? "servicehall" : "audit";
  }
  if (command == "verify" && args.size() == 1) {
    return RunVerify(context, flags, out, err);
  }
  if (command == "proof" && args.size() == 2) {
    return RunProof(args[1], context, flags, out, err);
  }
  if (command == "search" && args.size() == 1) {
    return RunSearch(context, flags, out, err);
  }
  if (command == "who-accessed" && args.size() == 2) {
    return RunWhoAccessed(args[1], context, flags, out, err);
  }
  if (command == "export" && args.size() == 1) {
    return RunExport(context, flags, out, err);
  }
  return Usage(err);
}

}  // namespace datarun::ctl
