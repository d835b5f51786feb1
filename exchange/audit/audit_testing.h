// Test-only helpers shared by the audit log tests.
#ifndef DATARUN_EXCHANGE_AUDIT_AUDIT_TESTING_H_
#define DATARUN_EXCHANGE_AUDIT_AUDIT_TESTING_H_

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_sink.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace datarun::audit::testing {

// Returns a new directory under /tmp, or "" on failure.
inline std::string TempDir() {
  std::string tmpl = "/tmp/datarun_audit_log_XXXXXX";
  char* dir = ::mkdtemp(tmpl.data());
  return dir == nullptr ? "" : std::string(dir);
}

// A typical allowed access, decided at 1.8e15 us + `seconds` s.
inline v1::AuditEntry Entry(absl::string_view request_id, int64_t seconds = 0) {
  v1::AuditEntry entry;
  entry.set_time_micros(1'800'000'000'000'000 + seconds * 1'000'000);
  entry.set_consumer("tax");
  entry.set_on_behalf_of("T0042");
  entry.set_dataset("land.property_title");
  entry.set_owner("land");
  entry.set_subject_hash(std::string(64, 'a'));
  entry.add_fields_requested("title_no");
  entry.add_fields_released("title_no");
  entry.set_purpose("property_transfer.deed_tax");
  entry.set_request_id(std::string(request_id));
  entry.set_decision(v1::AUDIT_DECISION_ALLOW);
  entry.set_grant_id("g-tax-land-1");
  entry.set_status_code("OK");
  return entry;
}

// A temporary directory holding one log and its signing key; removed at
// the end of the test.
class TempLog {
 public:
  TempLog() : dir_(TempDir()) {
    EXPECT_FALSE(dir_.empty());
    options.path = dir_ + "/log";
    options.signing_key_file = dir_ + "/keys/checkpoint.key";
    options.origin = "test.datarun/audit";
    options.sync = false;  // tests check logic; the crash test syncs
  }
  ~TempLog() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::unique_ptr<AuditLog> Open() {
    auto log = AuditLog::Open(options);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Opens the database directly, as an insider with file access would.
  std::unique_ptr<rocksdb::DB> OpenRaw() {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::Options(), options.path, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::unique_ptr<rocksdb::DB>(raw);
  }

  const std::string& dir() const { return dir_; }

  AuditLog::Options options;

 private:
  std::string dir_;
};

// Blocks the writer on its first batch until released.
struct WriterGate {
  absl::Notification entered;
  absl::Notification release;
  std::atomic<int> batches{0};
  std::function<void()> Hook() {
    return [this] {
      if (batches++ == 0) {
        entered.Notify();
        release.WaitForNotification();
      }
    };
  }
};

// Collects asynchronous receipts.
struct Results {
  absl::Mutex mu;
  std::vector<absl::StatusOr<AuditReceipt>> receipts ABSL_GUARDED_BY(mu);
  AuditSink::AppendDone Callback() {
    return [this](absl::StatusOr<AuditReceipt> r) {
      absl::MutexLock lock(&mu);
      receipts.push_back(std::move(r));
    };
  }
  void WaitFor(size_t n) {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      return receipts.size() >= n;
    };
    mu.Await(absl::Condition(&enough));
  }
};

}  // namespace datarun::audit::testing

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_TESTING_H_
