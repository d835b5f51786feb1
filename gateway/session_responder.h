// The Responder an HttpSession hands to the dispatcher for one request:
// forwards every call to the session's strand, tagged with the request
// number, so answers may come from any thread. A handler that drops it
// without answering still gets the request answered (500).
#ifndef DATARUN_GATEWAY_SESSION_RESPONDER_H_
#define DATARUN_GATEWAY_SESSION_RESPONDER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "gateway/http_session.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

class SessionResponder : public Responder {
 public:
  SessionResponder(std::shared_ptr<HttpSession> session, uint64_t number);
  ~SessionResponder() override;

  void Send(HttpResponse response) override;
  void StartStream(HttpResponse head, std::string keepalive_text) override;
  void StreamWrite(std::string data, std::function<void()> written) override;
  void EndStream() override;
  void OnClose(std::function<void()> on_close) override;
  void SetLogFields(std::string route, std::string role,
                    std::string user) override;

 private:
  // Runs `f(session)` on the session's strand.
  void Post(std::function<void(HttpSession*)> f);

  const std::shared_ptr<HttpSession> session_;
  const uint64_t number_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> streaming_{false};
  std::atomic<bool> ended_{false};
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_SESSION_RESPONDER_H_
