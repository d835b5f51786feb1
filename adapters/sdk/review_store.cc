#include "adapters/sdk/review_store.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "common/status_macros.h"

namespace datarun {
namespace adapter {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS review_answer ("
    "  idempotency_key TEXT PRIMARY KEY,"
    "  request_digest  TEXT NOT NULL,"
    "  case_id         TEXT NOT NULL,"
    "  step            TEXT NOT NULL,"
    "  decision        INTEGER NOT NULL,"
    "  response        TEXT NOT NULL,"  // base64 of the ReviewResponse
    "  answered_at     TEXT NOT NULL"
    ")";

void AppendField(std::string* out, absl::string_view field) {
  absl::StrAppend(out, field.size(), ":", field, ";");
}

}  // namespace

ReviewStore::ReviewStore(std::unique_ptr<legacy::SqliteDb> db)
    : db_(std::move(db)) {}

ReviewStore::~ReviewStore() = default;

absl::StatusOr<std::unique_ptr<ReviewStore>> ReviewStore::Open(
    absl::string_view path) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqliteDb> db,
      legacy::SqliteDb::Open(path, legacy::SqliteDb::Mode::kCreate));
  RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<ReviewStore>(new ReviewStore(std::move(db)));
}

std::string ReviewStore::RequestDigest(const v1::ReviewRequest& request) {
  std::string text;
  AppendField(&text, request.case_id());
  AppendField(&text, request.case_type());
  AppendField(&text, request.step());
  for (const v1::CaseParty& party : request.parties()) {
    AppendField(&text, party.role());
    AppendField(&text, party.subject());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    // Cannot happen with SHA-256 in the default provider; fall back to the
    // text itself, which identifies the step just as well.
    return absl::BytesToHexString(text);
  }
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), static_cast<size_t>(length)));
}

ReviewStore::KeyLock* ReviewStore::LockKey(const std::string& key) {
  KeyLock* lock;
  {
    absl::MutexLock guard(&locks_mu_);
    std::unique_ptr<KeyLock>& slot = locks_[key];
    if (slot == nullptr) slot = std::make_unique<KeyLock>();
    ++slot->users;
    lock = slot.get();
  }
  lock->mu.Lock();
  return lock;
}

void ReviewStore::UnlockKey(const std::string& key, KeyLock* lock) {
  lock->mu.Unlock();
  absl::MutexLock guard(&locks_mu_);
  if (--lock->users == 0) locks_.erase(key);
}

absl::Status ReviewStore::Lookup(const std::string& key, bool* found,
                                 std::string* digest,
                                 v1::ReviewResponse* response) {
  *found = false;
  std::string encoded;
  {
    absl::MutexLock guard(&db_mu_);
    RETURN_IF_ERROR(
        db_->Query("SELECT request_digest, response FROM review_answer "
                   "WHERE idempotency_key = ?",
                   {key}, [&](const legacy::SqliteRow& row) {
                     *found = true;
                     *digest = std::string(row.Text(0));
                     encoded = std::string(row.Text(1));
                     return absl::OkStatus();
                   }));
  }
  if (!*found) return absl::OkStatus();
  std::string bytes;
  if (!absl::Base64Unescape(encoded, &bytes) ||
      !response->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat(
        "review answer store: the stored answer for idempotency_key '", key,
        "' cannot be decoded"));
  }
  return absl::OkStatus();
}

absl::Status ReviewStore::Store(const v1::ReviewRequest& request,
                                const std::string& digest,
                                const v1::ReviewResponse& response) {
  const std::string encoded = absl::Base64Escape(response.SerializeAsString());
  const std::string now =
      absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone());
  absl::MutexLock guard(&db_mu_);
  return db_->Execute(
      "INSERT INTO review_answer (idempotency_key, request_digest, case_id, "
      "step, decision, response, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {request.idempotency_key(), digest, request.case_id(), request.step(),
       static_cast<int>(response.decision()), encoded, now});
}

absl::StatusOr<ReviewStore::Outcome> ReviewStore::Answer(
    const v1::ReviewRequest& request,
    const std::function<absl::StatusOr<v1::ReviewResponse>()>& review) {
  const std::string& key = request.idempotency_key();
  if (key.empty()) {
    return absl::InvalidArgumentError(
        "ReviewRequest.idempotency_key is empty; the exchange must send the "
        "same key for every attempt of a step");
  }
  const std::string digest = RequestDigest(request);
  KeyLock* lock = LockKey(key);
  Outcome outcome;
  absl::Status status = [&]() -> absl::Status {
    bool found = false;
    std::string stored_digest;
    RETURN_IF_ERROR(Lookup(key, &found, &stored_digest, &outcome.response));
    if (found) {
      if (stored_digest != digest) {
        return absl::InvalidArgumentError(absl::StrCat(
            "idempotency_key reused for a different request (key '", key,
            "' was answered for another case, step or parties; case '",
            request.case_id(), "', step '", request.step(), "')"));
      }
      outcome.replayed = true;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(outcome.response, review());
    return Store(request, digest, outcome.response);
  }();
  UnlockKey(key, lock);
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<int64_t> ReviewStore::size() {
  int64_t count = 0;
  absl::MutexLock guard(&db_mu_);
  RETURN_IF_ERROR(db_->Query("SELECT count(*) FROM review_answer", {},
                             [&](const legacy::SqliteRow& row) {
                               count = row.Int(0);
                               return absl::OkStatus();
                             }));
  return count;
}

}  // namespace adapter
}  // namespace datarun
