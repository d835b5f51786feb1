// The adapter SDK's durable answer store for Adapter.Review: makes every
// department's case steps idempotent by idempotency key, whatever the
// DepartmentService does.
//
//   ASSIGN_OR_RETURN(auto store, ReviewStore::Open("land.db.reviews.sqlite"));
//   ASSIGN_OR_RETURN(ReviewStore::Outcome outcome,
//                    store->Answer(request, [&] { return svc->Review(request);
//                    }));
//
// The answers live in their own SQLite file (table review_answer), never in
// the department's legacy store. A key is answered at most once: the first
// successful answer is stored together with a digest of what identifies the
// step (case id, case type, step and parties) and returned for every later
// call with that key. The materials are not part of the digest: a retry may
// carry materials pulled again, and still gets the first answer.
//
// Thread-safe. Calls with the same key are serialized (a per-key lock): the
// second waits for the first and returns its stored answer; calls with
// different keys run in parallel.
#ifndef DATARUN_ADAPTERS_SDK_REVIEW_STORE_H_
#define DATARUN_ADAPTERS_SDK_REVIEW_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace legacy {
class SqliteDb;
}  // namespace legacy

namespace adapter {

class ReviewStore {
 public:
  // What Answer returns: the answer, and whether it was the stored answer
  // of an earlier call (true) or produced by this call.
  struct Outcome {
    v1::ReviewResponse response;
    bool replayed = false;
  };

  // Opens (creating when missing) the answer store at `path`; ":memory:"
  // keeps the answers in memory (tests, adapters without a store).
  // Errors: DATA_LOSS when the file is not SQLite, UNAVAILABLE when it
  // cannot be opened or created (path named).
  static absl::StatusOr<std::unique_ptr<ReviewStore>> Open(
      absl::string_view path);

  ~ReviewStore();
  ReviewStore(const ReviewStore&) = delete;
  ReviewStore& operator=(const ReviewStore&) = delete;

  // Returns the stored answer for request.idempotency_key() when there is
  // one; otherwise calls `review` (holding the key's lock), stores its
  // answer when it is OK, and returns it. An error from `review` is
  // returned as is and not stored (the exchange retries the step).
  // Errors: INVALID_ARGUMENT "idempotency_key reused for a different
  // request" when the key was answered for another case, case type, step or
  // parties, or when the key is empty; UNAVAILABLE / DATA_LOSS when the
  // store cannot be read or written (the answer produced is then lost, and
  // the step's effects must be idempotent by themselves: see
  // docs/adapter-tutorial.md).
  absl::StatusOr<Outcome> Answer(
      const v1::ReviewRequest& request,
      const std::function<absl::StatusOr<v1::ReviewResponse>()>& review);

  // Returns the digest identifying the step of `request` (hex SHA-256 over
  // case id, case type, step and the parties' roles and subjects).
  static std::string RequestDigest(const v1::ReviewRequest& request);

  // Number of stored answers (tests and monitoring). UNAVAILABLE on a store
  // error.
  absl::StatusOr<int64_t> size();

 private:
  struct KeyLock {
    absl::Mutex mu;
    int users = 0;  // guarded by ReviewStore::locks_mu_
  };

  explicit ReviewStore(std::unique_ptr<legacy::SqliteDb> db);

  KeyLock* LockKey(const std::string& key);
  void UnlockKey(const std::string& key, KeyLock* lock);

  // Looks the key up: found = true with the stored answer and digest.
  absl::Status Lookup(const std::string& key, bool* found, std::string* digest,
                      v1::ReviewResponse* response);
  absl::Status Store(const v1::ReviewRequest& request,
                     const std::string& digest,
                     const v1::ReviewResponse& response);

  absl::Mutex db_mu_;
  std::unique_ptr<legacy::SqliteDb> db_ ABSL_GUARDED_BY(db_mu_);

  absl::Mutex locks_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<KeyLock>> locks_
      ABSL_GUARDED_BY(locks_mu_);
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_REVIEW_STORE_H_
