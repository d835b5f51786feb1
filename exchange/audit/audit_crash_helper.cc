// Test helper for rocksdb_audit_sink_test: appends entries to the audit log
// at argv[1] from several threads until killed, writing "<index> <request
// id>\n" to stdout for every acknowledged entry (after the acknowledgement).
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/audit/rocksdb_audit_sink.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s AUDIT_DIR\n", argv[0]);
    return 2;
  }
  datarun::audit::RocksDbAuditSink::Options options;
  options.path = argv[1];
  auto sink = datarun::audit::RocksDbAuditSink::Open(options);
  if (!sink.ok()) {
    std::fprintf(stderr, "%s\n", sink.status().ToString().c_str());
    return 1;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        datarun::v1::AuditEntry entry;
        entry.set_request_id(absl::StrCat("crash-", t, "-", i));
        entry.set_consumer("tax");
        auto receipt = (*sink)->AppendAndWait(entry);
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
