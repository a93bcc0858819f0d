// The two handshakes between the SCM's handler thread and the app, as plain state with named
// transitions. No Win32 and no locking here: Dispatcher (service_dispatcher.cc) holds its mutex
// around every call and does the reporting (SetServiceStatus) a transition calls for; these types
// only remember and decide, which keeps them testable on any platform (test/native/).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>

// A status the app reports for its service: SERVICE_STATUS's fields that the app chooses.
struct StatusAnswer {
  uint32_t state;
  uint32_t win32ExitCode;
  uint32_t serviceCode;
  uint32_t waitHint;
};

// One service's state-changing controls (start, stop, pause, continue, shutdown, preshutdown):
//
//   ControlArrived(n)   HandlerEx posts control n to the app and waits briefly for its answer;
//   HoldForHandler(a)   the app answered while the handler waits: the handler reports `a` itself,
//                       so the SCM's reply to the control is the final state (one report, not two);
//   EndHandlerWait()    the wait ended: the held answer to report, or none, and then the handler
//                       reports the pending state and the app's answer is reported when it comes;
//   Reported(pending)   a status went to the SCM; while it is a pending state, heartbeats run.
//
// Every control gets a sequence number, and the app's answers carry the one they answer: an answer
// older than the newest control is stale and ignored. Sequence number 0 is tied to no control.
class ControlHandshake {
 public:
  // ServiceMain's start: its pending state is reported at once (there is no handler to wait in).
  void StartArrived(uint32_t seq) { mLatestControlSeq = seq; }
  void ControlArrived(uint32_t seq) {
    mLatestControlSeq = seq;
    mHandlerWaiting = true;
  }
  bool IsStale(uint32_t seq) const { return seq != 0 && seq < mLatestControlSeq; }
  // True when a handler waits and now holds `answer` to report; false when the caller reports it.
  // While the handler waits it reports whatever the app reports (the answer, or an update not tied
  // to the control such as a stop after a failure): under Wine, SetServiceStatus from another
  // thread while the handler runs stalls until the SCM's control times out.
  bool HoldForHandler(const StatusAnswer& answer) {
    if (!mHandlerWaiting) return false;
    mHeldAnswer = answer;
    return true;
  }
  bool HasHeldAnswer() const { return mHeldAnswer.has_value(); }
  // From here on answers are reported by whoever gives them (HoldForHandler returns false).
  std::optional<StatusAnswer> EndHandlerWait() {
    mHandlerWaiting = false;
    std::optional<StatusAnswer> answer = mHeldAnswer;
    mHeldAnswer.reset();
    return answer;
  }
  void Reported(bool pendingState) { mPending = pendingState; }
  // Between a pending state and the app's answer the SCM is kept informed (checkpoint++), so a
  // slow app never looks hung.
  bool NeedsHeartbeat() const { return mPending; }

 private:
  uint32_t mLatestControlSeq = 0;
  bool mHandlerWaiting = false;
  std::optional<StatusAnswer> mHeldAnswer;
  bool mPending = false;
};

// Notifications (session changes, power events, user-defined controls, ...): HandlerEx's return
// value is the app's reply, waited for a bounded time. Replies are keyed by the control's sequence
// number; one that comes after its handler stopped waiting has no one to go to and is dropped.
class NotificationReplies {
 public:
  void Expect(uint32_t seq) { mAwaited.insert(seq); }
  // False when nobody waits for `seq` (any more).
  bool Answer(uint32_t seq, uint32_t code) {
    if (mAwaited.count(seq) == 0) return false;
    mReplies[seq] = code;
    return true;
  }
  bool HasReply(uint32_t seq) const { return mReplies.count(seq) != 0; }
  // The handler stops waiting: the reply, if one came; `seq` is forgotten either way.
  std::optional<uint32_t> Finish(uint32_t seq) {
    std::optional<uint32_t> reply;
    auto found = mReplies.find(seq);
    if (found != mReplies.end()) {
      reply = found->second;
      mReplies.erase(found);
    }
    mAwaited.erase(seq);
    return reply;
  }

 private:
  std::set<uint32_t> mAwaited;
  std::map<uint32_t, uint32_t> mReplies;
};
