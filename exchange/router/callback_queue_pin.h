// Works around a gRPC 1.51 teardown race in the C++ callback API.
//
// On POSIX builds whose iomgr does not poll in the background (Debian's
// libgrpc++ 1.51 among them), every channel's callback API is served by one
// process-wide, reference-counted completion queue with its own polling
// ("nexting") threads. When the last channel that used it is destroyed, gRPC
// shuts that queue down, joins the threads and deletes it, racing with the
// threads still inside grpc_completion_queue_next: the process aborts with
// "ref_counted.h: assertion failed: prior > 0". Creating and destroying
// routers (tests, configuration reload, shutdown) runs that teardown.
// See grpc/grpc#32584 and couchbase/couchbase-cxx-client#1060.
#ifndef DATARUN_EXCHANGE_ROUTER_CALLBACK_QUEUE_PIN_H_
#define DATARUN_EXCHANGE_ROUTER_CALLBACK_QUEUE_PIN_H_

namespace datarun::router {

// Makes one never-destroyed channel take a reference on gRPC's callback
// queue, so the queue lives until process exit. The first call issues one
// callback RPC to a Unix socket path that does not exist (no network) and
// waits for it to fail; later calls return at once. Thread-safe; must not
// run on a gRPC callback thread.
void PinGrpcCallbackQueue();

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_CALLBACK_QUEUE_PIN_H_
