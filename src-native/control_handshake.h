// The two handshakes between the SCM's handler thread and the app, as plain state with named
// transitions. No Win32 and no locking here: Dispatcher (service_dispatcher.cc) holds its mutex
// around every call and does the reporting (SetServiceStatus) a transition calls for; these types
// only remember and decide, which keeps them testable on any platform (test/native/).
#pragma once
#include <cstdint>
#include <map>
#include <optional>

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

// What HandlerEx returns for a notification the app did not handle: its handler gave no answer
// (returned undefined), or no answer came within the reply timeout. HandlerEx's documentation:
// return ERROR_CALL_NOT_IMPLEMENTED for a control the service does not handle (the SCM then fails
// the caller's ControlService with ERROR_INVALID_SERVICE_CONTROL). Query-type events are the
// exception: for them any error is a veto ("return NO_ERROR to grant the request and an error
// code to deny"), and a service that does not handle one must not deny the system a suspend or
// a profile change, so they get NO_ERROR.
constexpr uint32_t kErrorCallNotImplemented = 120;  // ERROR_CALL_NOT_IMPLEMENTED
constexpr uint32_t kControlDeviceEvent = 11;         // SERVICE_CONTROL_DEVICEEVENT
constexpr uint32_t kControlHardwareProfileChange = 12;
constexpr uint32_t kControlPowerEvent = 13;
inline uint32_t UnhandledNotificationResult(uint32_t control) {
  switch (control) {
    case kControlDeviceEvent:
    case kControlHardwareProfileChange:
    case kControlPowerEvent: return 0;
    default: return kErrorCallNotImplemented;
  }
}

// Notifications (session changes, power events, user-defined controls, ...): HandlerEx's return
// value is the app's reply, waited for a bounded time. Replies are keyed by the control's sequence
// number; one that comes after its handler stopped waiting has no one to go to and is dropped.
// The app either answers with a code (it handled the control) or declines (it did not); a decline
// and a missing answer both give UnhandledNotificationResult(control).
class NotificationReplies {
 public:
  void Expect(uint32_t seq, uint32_t control) { mAwaited[seq] = control; }
  // False when nobody waits for `seq` (any more).
  bool Answer(uint32_t seq, uint32_t code) { return Record(seq, code); }
  bool Decline(uint32_t seq) { return Record(seq, std::nullopt); }
  bool HasReply(uint32_t seq) const { return mReplies.count(seq) != 0; }
  // The handler stops waiting: what it returns to the SCM; `seq` is forgotten either way.
  uint32_t Finish(uint32_t seq) {
    auto awaited = mAwaited.find(seq);
    uint32_t result = UnhandledNotificationResult(awaited != mAwaited.end() ? awaited->second : 0);
    auto found = mReplies.find(seq);
    if (found != mReplies.end()) {
      if (found->second) result = *found->second;
      mReplies.erase(found);
    }
    if (awaited != mAwaited.end()) mAwaited.erase(awaited);
    return result;
  }

 private:
  bool Record(uint32_t seq, std::optional<uint32_t> code) {
    if (mAwaited.count(seq) == 0) return false;
    mReplies[seq] = code;
    return true;
  }
  std::map<uint32_t, uint32_t> mAwaited;  // seq -> control code
  std::map<uint32_t, std::optional<uint32_t>> mReplies;
};
