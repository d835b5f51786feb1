// Waiting for SIGTERM / SIGINT in long-running binaries.
#ifndef DATARUN_COMMON_SHUTDOWN_H_
#define DATARUN_COMMON_SHUTDOWN_H_

namespace datarun {

// Blocks SIGTERM and SIGINT in the calling thread and every thread created
// after the call. Call first thing in main(), before any thread starts.
void BlockTerminationSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal number.
// Requires BlockTerminationSignals() to have been called.
int WaitForTerminationSignal();

}  // namespace datarun

#endif  // DATARUN_COMMON_SHUTDOWN_H_
