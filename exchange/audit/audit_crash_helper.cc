// Test helper for audit_log_crash_test: appends entries to the audit log at
// argv[1] (signing key argv[2], origin "crash.test/audit", synced writes,
// index postings ingested every argv[3] entries if given) from several
// threads until killed, writing "<index> <request id>\n" to stdout for
// every acknowledged entry (after the acknowledgement). Entry i of thread t
// is "crash-<t>-<i>" with subject "subject-<i % 7>".
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr,
                 "usage: %s AUDIT_DIR SIGNING_KEY_FILE [INDEX_INGEST]\n",
                 argv[0]);
    return 2;
  }
  datarun::audit::AuditLog::Options options;
  options.path = argv[1];
  options.signing_key_file = argv[2];
  options.origin = "crash.test/audit";
  options.checkpoint_interval = absl::Milliseconds(5);
  if (argc == 4) options.index_ingest_entries = std::stoul(argv[3]);
  auto log = datarun::audit::AuditLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        datarun::v1::AuditEntry entry;
        entry.set_request_id(absl::StrCat("crash-", t, "-", i));
        entry.set_consumer("tax");
        entry.set_subject_hash(absl::StrCat("subject-", i % 7));
        auto receipt = (*log)->AppendAndWait(entry);
        if (!receipt.ok()) _exit(3);
        std::string line =
            absl::StrCat(receipt->index, " ", entry.request_id(), "\n");
        if (::write(STDOUT_FILENO, line.data(), line.size()) < 0) _exit(4);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return 0;
}
