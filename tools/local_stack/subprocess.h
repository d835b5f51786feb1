// A child process started from argv, with its output sent to a log file.
#ifndef DATARUN_TOOLS_LOCAL_STACK_SUBPROCESS_H_
#define DATARUN_TOOLS_LOCAL_STACK_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace datarun::local {

// Owns one child process. Not thread-safe. The destructor stops the child
// (SIGTERM, then SIGKILL after 5 s) if it still runs.
class Subprocess {
 public:
  // Starts argv[0] (a path) with `argv`, stdout and stderr appended to
  // `log_path`, stdin from /dev/null, termination signals unblocked.
  // Errors: INVALID_ARGUMENT for an empty argv, NOT_FOUND when the program
  // does not exist, INTERNAL when fork/exec fails.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path);

  ~Subprocess();

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  const std::string& log_path() const { return log_path_; }

  // True while the child has not been reaped. Reaps it if it has exited.
  bool Running();

  // Sends `signal` (e.g. SIGTERM, SIGKILL). No-op once reaped.
  void Signal(int signal);

  // Waits up to `timeout` for the child to exit. Returns its exit status as
  // returned by waitpid (use WIFEXITED etc.), or DEADLINE_EXCEEDED.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the wait status.
  int Stop(absl::Duration grace = absl::Seconds(5));

 private:
  Subprocess(pid_t pid, std::string name, std::string log_path)
      : pid_(pid), name_(std::move(name)), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string name_;
  std::string log_path_;
  bool reaped_ = false;
  int wait_status_ = 0;
};

}  // namespace datarun::local

#endif  // DATARUN_TOOLS_LOCAL_STACK_SUBPROCESS_H_
