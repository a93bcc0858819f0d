// Unit tests of src-native/control_handshake.h, which is plain C++: built with the host's g++ and
// run by test/unit/native-handshake.test.js. Prints one line per failed check; exit 1 if any.
#include "../../src-native/control_handshake.h"
#include <cstdio>
#include "check.h"

namespace {


constexpr uint32_t kStopped = 1;
constexpr uint32_t kRunning = 4;

void AnswerWithinTheHandlersWait() {
  ControlHandshake h;
  h.ControlArrived(5);
  Check(!h.HasHeldAnswer(), "nothing held before the app answers");
  Check(h.HoldForHandler(StatusAnswer{kStopped, 0, 7, 0}), "the waiting handler takes the answer");
  Check(h.HasHeldAnswer(), "the answer is held");
  std::optional<StatusAnswer> answer = h.EndHandlerWait();
  Check(answer.has_value() && answer->state == kStopped && answer->serviceCode == 7, "the handler reports the held answer");
  Check(!h.HasHeldAnswer(), "the held answer is handed over once");
  Check(!h.HoldForHandler(StatusAnswer{kRunning, 0, 0, 0}), "after the wait, answers are reported by their giver");
}

void HandlersWaitTimesOut() {
  ControlHandshake h;
  h.ControlArrived(2);
  Check(!h.EndHandlerWait().has_value(), "no answer: the handler reports the pending state");
  h.Reported(true);
  Check(h.NeedsHeartbeat(), "heartbeats while pending");
  Check(!h.HoldForHandler(StatusAnswer{kRunning, 0, 0, 0}), "a late answer is reported by the app's call");
  h.Reported(false);
  Check(!h.NeedsHeartbeat(), "no heartbeats once the answer is reported");
}

void SequenceNumbers() {
  ControlHandshake h;
  Check(!h.IsStale(1), "nothing is stale before any control");
  h.StartArrived(3);
  Check(h.IsStale(2), "an older control's answer is stale");
  Check(!h.IsStale(3), "the newest control's answer is not");
  Check(!h.IsStale(0), "0 is tied to no control, never stale");
  h.ControlArrived(8);
  Check(h.IsStale(3), "the start's answer is stale once a later control came");
  Check(!h.IsStale(9), "a newer number is not stale");
}

void StartDoesNotMakeTheHandlerWait() {
  ControlHandshake h;
  h.StartArrived(1);
  Check(!h.HoldForHandler(StatusAnswer{kRunning, 0, 0, 0}), "the start's answer is reported by the app's call");
}

constexpr uint32_t kUserControl = 200;
constexpr uint32_t kParamChange = 6;
constexpr uint32_t kSessionChange = 14;
constexpr uint32_t kCallNotImplemented = 120;

void NotificationReplyInTime() {
  NotificationReplies r;
  r.Expect(7, kUserControl);
  Check(!r.HasReply(7), "no reply yet");
  Check(r.Answer(7, 42), "an awaited reply is taken");
  Check(r.HasReply(7), "the reply is there");
  Check(r.Finish(7) == 42, "the handler returns the reply");
  Check(!r.Answer(7, 1), "after the handler finished, a reply is dropped");
  Check(!r.HasReply(7), "and not kept");
}

void NotificationAnsweredZeroIsHandled() {
  NotificationReplies r;
  r.Expect(3, kUserControl);
  Check(r.Answer(3, 0), "an answer of 0 is taken");
  Check(r.Finish(3) == 0, "0 (NO_ERROR) is returned: the app handled it");
}

void NotificationReplyTooLate() {
  NotificationReplies r;
  r.Expect(9, kParamChange);
  Check(r.Finish(9) == kCallNotImplemented, "no reply within the wait: ERROR_CALL_NOT_IMPLEMENTED, not success");
  Check(!r.Answer(9, 5), "a reply after the wait is dropped");
  Check(!r.Answer(10, 5), "a reply nobody expects is dropped");
}

void NotificationDeclined() {
  NotificationReplies r;
  r.Expect(4, kUserControl);
  Check(r.Decline(4), "an awaited decline is taken");
  Check(r.HasReply(4), "a decline ends the handler's wait");
  Check(r.Finish(4) == kCallNotImplemented, "a control the app did not handle: ERROR_CALL_NOT_IMPLEMENTED");
  Check(!r.Decline(4), "a decline after the wait is dropped");
  r.Expect(5, kSessionChange);
  r.Decline(5);
  Check(r.Finish(5) == kCallNotImplemented, "the same for any plain notification");
}

void UnhandledQueriesAreGranted() {
  // A query-type event's error return is a veto: an app that does not handle it must not deny.
  Check(UnhandledNotificationResult(13) == 0, "powerevent: NO_ERROR");
  Check(UnhandledNotificationResult(12) == 0, "hardwareprofilechange: NO_ERROR");
  Check(UnhandledNotificationResult(11) == 0, "deviceevent: NO_ERROR");
  Check(UnhandledNotificationResult(kUserControl) == kCallNotImplemented, "user-defined: ERROR_CALL_NOT_IMPLEMENTED");
  Check(UnhandledNotificationResult(0x60) == kCallNotImplemented, "a code the library does not know: ERROR_CALL_NOT_IMPLEMENTED");
  NotificationReplies r;
  r.Expect(6, 13);
  Check(r.Finish(6) == 0, "an unanswered power event is granted");
  r.Expect(8, 13);
  r.Answer(8, 0x424d5144);
  Check(r.Finish(8) == 0x424d5144, "an explicit deny still goes through");
}

void RepliesAreKeyedBySequenceNumber() {
  NotificationReplies r;
  r.Expect(1, kUserControl);
  r.Expect(2, kUserControl);
  Check(r.Answer(2, 20), "the second handler's reply");
  Check(!r.HasReply(1), "does not answer the first");
  Check(r.Finish(1) == kCallNotImplemented, "the first has none");
  Check(r.Finish(2) == 20, "the second gets its own");
}

}  // namespace

int main() {
  AnswerWithinTheHandlersWait();
  HandlersWaitTimesOut();
  SequenceNumbers();
  StartDoesNotMakeTheHandlerWait();
  NotificationReplyInTime();
  NotificationAnsweredZeroIsHandled();
  NotificationReplyTooLate();
  NotificationDeclined();
  UnhandledQueriesAreGranted();
  RepliesAreKeyedBySequenceNumber();
  return Finish();
}
