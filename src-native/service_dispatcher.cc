#include "service_dispatcher.h"
#include <atomic>
#include <chrono>
#include "args.h"
#include "operations.h"
#include "strings.h"
#include "win32_error.h"

namespace {

std::atomic<Dispatcher*> gDispatcher{nullptr};

// Heartbeats while a control is pending: the wait hint promised to the SCM, and how often the
// checkpoint advances inside it (well before the hint runs out).
constexpr DWORD kPendingWaitHintMs = 10000;
// How long HandlerEx waits for the app's own answer to a state-changing control before it reports
// the pending state for it (Win32 asks handlers to return promptly; 30 s is the SCM's limit).
constexpr DWORD kQuickAnswerMs = 25;
constexpr auto kHeartbeatInterval = std::chrono::milliseconds(2500);

bool IsPending(DWORD state) {
  return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING || state == SERVICE_PAUSE_PENDING ||
         state == SERVICE_CONTINUE_PENDING;
}

void CallJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, DispatcherEvent* event) {
  std::unique_ptr<DispatcherEvent> owned(event);
  if (env == nullptr || callback.IsEmpty()) return;
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", event->kind == DispatcherEvent::Kind::Exit ? "exit" : "control");
  out.Set("service", WideToJs(env, event->service.c_str()));
  out.Set("seq", static_cast<double>(event->seq));
  out.Set("control", static_cast<double>(event->control));
  out.Set("eventType", static_cast<double>(event->eventType));
  if (event->hasSessionId) out.Set("sessionId", static_cast<double>(event->sessionId));
  out.Set("needsReply", event->needsReply);
  Napi::Array args = Napi::Array::New(env, event->args.size());
  for (size_t i = 0; i < event->args.size(); ++i) args.Set(static_cast<uint32_t>(i), WideToJs(env, event->args[i].c_str()));
  out.Set("args", args);
  if (event->kind == DispatcherEvent::Kind::Exit && event->exitError != 0) {
    out.Set("error", MakeWin32Error(env, Win32Failure{event->exitError, "StartServiceCtrlDispatcherW"}).Value());
  }
  try {
    callback.Call({out});
  } catch (const Napi::Error& e) {
    // The TypeScript side never lets a handler's exception escape; if something still does,
    // surface it as an uncaught exception rather than losing it on this callback.
    napi_fatal_exception(env, e.Value());
  }
}

using EventTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, DispatcherEvent, CallJs>;

}  // namespace

Dispatcher* Dispatcher::Current() { return gDispatcher.load(); }

// The one slot lookup, for names from the SCM (ServiceMain's argv[0]) and from JS. Caller holds
// mMutex. An own-process service is started whatever name its table entry has: with one slot,
// that slot is meant, whatever the name. Otherwise the slot whose name equals `name` ignoring
// case, as the SCM compares service names. Two table names differing only in case can come only
// from a direct binding call (lib/as-service folds them into one); `twins` then says which wins,
// and each caller passes what it has always done: ServiceMain and simulateControl the first,
// setServiceStatus the last.
ServiceSlot* Dispatcher::Find(const std::wstring& name, CaseTwins twins) {
  if (mSlots.size() == 1) return mSlots[0].get();
  ServiceSlot* found = nullptr;
  for (auto& slot : mSlots) {
    if (_wcsicmp(slot->name.c_str(), name.c_str()) != 0) continue;
    found = slot.get();
    if (twins == CaseTwins::FirstWins) break;
  }
  return found;
}

ServiceSlot* Dispatcher::SlotFor(const std::wstring& name, CaseTwins twins) {
  std::lock_guard<std::mutex> lock(mMutex);
  return Find(name, twins);
}

DWORD Dispatcher::AcceptedFor(DWORD state) const {
  // While a transition is pending the service accepts nothing: the SCM queues nothing behind it.
  return (state == SERVICE_RUNNING || state == SERVICE_PAUSED) ? mControlsAccepted : 0;
}

void Dispatcher::Post(DispatcherEvent event) {
  auto* copy = new DispatcherEvent(std::move(event));
  if (EventTsfn(static_cast<napi_threadsafe_function>(mTsfn)).NonBlockingCall(copy) != napi_ok) delete copy;
}

bool Dispatcher::ApplyStatus(ServiceSlot& slot, DWORD state, DWORD win32ExitCode, DWORD serviceCode, DWORD waitHint) {
  if (slot.handle == nullptr) return false;
  SERVICE_STATUS& s = slot.status;
  s.dwServiceType = mServiceType;
  s.dwCurrentState = state;
  s.dwControlsAccepted = AcceptedFor(state);
  s.dwCheckPoint = IsPending(state) ? s.dwCheckPoint + 1 : 0;
  s.dwWaitHint = IsPending(state) ? (waitHint ? waitHint : kPendingWaitHintMs) : 0;
  if (state == SERVICE_STOPPED) {
    s.dwWin32ExitCode = serviceCode != 0 ? ERROR_SERVICE_SPECIFIC_ERROR : win32ExitCode;
    s.dwServiceSpecificExitCode = serviceCode;
  } else {
    s.dwWin32ExitCode = NO_ERROR;
    s.dwServiceSpecificExitCode = 0;
  }
  slot.handshake.Reported(IsPending(state));
  BOOL ok = SetServiceStatus(slot.handle, &s);
  if (state == SERVICE_STOPPED) mChanged.notify_all();
  return ok != FALSE;
}

void Dispatcher::EnterPending(ServiceSlot& slot, DWORD pendingState) {
  slot.status.dwCheckPoint = 0;
  ApplyStatus(slot, pendingState, NO_ERROR, 0, kPendingWaitHintMs);
}

void WINAPI Dispatcher::ServiceMain(DWORD argc, LPWSTR* argv) {
  Dispatcher* self = Current();
  if (self == nullptr || argc == 0) return;
  std::wstring name = argv[0];
  std::unique_lock<std::mutex> lock(self->mMutex);
  ServiceSlot* slot = self->Find(name, CaseTwins::FirstWins);
  if (slot == nullptr) return;
  lock.unlock();
  // RegisterServiceCtrlHandlerExW talks to the SCM: not under our lock.
  SERVICE_STATUS_HANDLE handle = RegisterServiceCtrlHandlerExW(name.c_str(), HandlerEx, slot);
  lock.lock();
  if (handle == nullptr) return;
  slot->handle = handle;
  self->EnterPending(*slot, SERVICE_START_PENDING);
  DispatcherEvent event;
  event.service = slot->name;
  event.seq = self->mNextSeq++;
  slot->handshake.StartArrived(event.seq);
  event.control = 0;
  for (DWORD i = 1; i < argc; ++i) event.args.emplace_back(argv[i]);
  self->Post(std::move(event));
  // ServiceMain returns only once the service has stopped, as Win32 documents it.
  self->mChanged.wait(lock, [&] { return slot->status.dwCurrentState == SERVICE_STOPPED || self->mStopping; });
}

DWORD WINAPI Dispatcher::HandlerEx(DWORD control, DWORD eventType, LPVOID eventData, LPVOID context) {
  Dispatcher* self = Current();
  auto* slot = static_cast<ServiceSlot*>(context);
  if (self == nullptr || slot == nullptr) return ERROR_CALL_NOT_IMPLEMENTED;
  // The SCM already holds the last status we reported.
  if (control == SERVICE_CONTROL_INTERROGATE) return NO_ERROR;

  std::unique_lock<std::mutex> lock(self->mMutex);
  DispatcherEvent event;
  event.service = slot->name;
  event.control = control;
  event.eventType = eventType;
  event.seq = self->mNextSeq++;

  DWORD pendingState = 0;
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
    case SERVICE_CONTROL_PRESHUTDOWN: pendingState = SERVICE_STOP_PENDING; break;
    case SERVICE_CONTROL_PAUSE: pendingState = SERVICE_PAUSE_PENDING; break;
    case SERVICE_CONTROL_CONTINUE: pendingState = SERVICE_CONTINUE_PENDING; break;
    default: break;
  }
  if (pendingState != 0) {
    // A state change. The app usually answers within a millisecond or two: its answer, reported
    // while this handler still runs, is then the SCM's reply to the control (one status report
    // instead of two, and the client sees the final state at once, as from a native service).
    // An app that takes longer gets the pending state reported for it, and answers later.
    // The answer is reported from this thread, as a native service does in its handler: under
    // Wine, SetServiceStatus from another thread while the handler runs stalls until the SCM's
    // control times out (ERROR_SERVICE_REQUEST_TIMEOUT).
    if (slot->status.dwCurrentState == SERVICE_STOPPED) return NO_ERROR;
    slot->handshake.ControlArrived(event.seq);
    self->Post(std::move(event));
    self->mChanged.wait_for(lock, std::chrono::milliseconds(kQuickAnswerMs), [&] {
      return slot->handshake.HasHeldAnswer() || self->mStopping;
    });
    // Under the lock: from here on SetStatus reports an answer itself, after the pending state.
    if (std::optional<StatusAnswer> answer = slot->handshake.EndHandlerWait()) {
      self->ApplyStatus(*slot, answer->state, answer->win32ExitCode, answer->serviceCode, answer->waitHint);
    } else {
      self->EnterPending(*slot, pendingState);
    }
    return NO_ERROR;
  }

  // A notification: the handler's return value is the answer, waited for a bounded time. A
  // control the app does not handle (it declines, or does not answer in time) gets
  // ERROR_CALL_NOT_IMPLEMENTED, except the query-type events (UnhandledNotificationResult).
  if (control == SERVICE_CONTROL_SESSIONCHANGE && eventData != nullptr) {
    event.sessionId = static_cast<WTSSESSION_NOTIFICATION*>(eventData)->dwSessionId;
    event.hasSessionId = true;
  }
  event.needsReply = true;
  uint32_t seq = event.seq;
  self->mReplies.Expect(seq, control);
  self->Post(std::move(event));
  self->mChanged.wait_for(lock, std::chrono::milliseconds(self->mReplyTimeoutMs), [&] {
    return self->mReplies.HasReply(seq) || self->mStopping;
  });
  return self->mReplies.Finish(seq);
}

void Dispatcher::HeartbeatLoop() {
  std::unique_lock<std::mutex> lock(mMutex);
  while (!mStopping) {
    mChanged.wait_for(lock, kHeartbeatInterval);
    if (mStopping) break;
    for (auto& slot : mSlots) {
      if (slot->handshake.NeedsHeartbeat() && slot->handle != nullptr) {
        slot->status.dwCheckPoint++;
        SetServiceStatus(slot->handle, &slot->status);
      }
    }
  }
}

// Main thread, from the function's finalizer (normal end, or environment teardown) and from the
// cleanup hook; safe to call twice.
void Dispatcher::Shutdown() {
  bool dispatcherReturned;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mStopping = true;
    dispatcherReturned = mDispatcherReturned;
  }
  mChanged.notify_all();
  if (mHeartbeatThread.joinable()) mHeartbeatThread.join();
  if (!mDispatchThread.joinable()) return;
  // StartServiceCtrlDispatcherW cannot be interrupted: join it only once it has returned;
  // otherwise the process is ending with services still registered, so let the thread go.
  if (dispatcherReturned) {
    mDispatchThread.join();
  } else {
    mDispatchThread.detach();
  }
}

// startDispatcher(names, serviceType, controlsAccepted, replyTimeoutMs, onEvent)
Napi::Value Dispatcher::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "startDispatcher(names, serviceType, controlsAccepted, replyTimeoutMs, onEvent)");
  std::vector<std::wstring> names = args.StringArray(0);
  DWORD serviceType = args.Uint32(1);
  DWORD accepted = args.Uint32(2);
  DWORD replyTimeout = args.Uint32(3);
  Napi::Function onEvent = args.Function(4);
  if (names.empty()) throw Napi::RangeError::New(env, "startDispatcher needs at least one service name");

  Dispatcher* self = new Dispatcher();
  Dispatcher* expected = nullptr;
  if (!gDispatcher.compare_exchange_strong(expected, self)) {
    delete self;
    throw Napi::Error::New(env, "runAsService can be called only once per process (StartServiceCtrlDispatcherW)");
  }
  self->mServiceType = serviceType;
  self->mControlsAccepted = accepted;
  self->mReplyTimeoutMs = replyTimeout;
  for (const auto& name : names) {
    auto slot = std::make_unique<ServiceSlot>();
    slot->name = name;
    slot->status.dwServiceType = self->mServiceType;
    slot->status.dwCurrentState = SERVICE_STOPPED;
    self->mSlots.push_back(std::move(slot));
  }
  for (auto& slot : self->mSlots) {
    self->mTable.push_back(SERVICE_TABLE_ENTRYW{const_cast<LPWSTR>(slot->name.c_str()), ServiceMain});
  }
  self->mTable.push_back(SERVICE_TABLE_ENTRYW{nullptr, nullptr});

  // Ref'd: a process hosting services stays alive until they stop. The finalizer joins threads.
  EventTsfn tsfn = EventTsfn::New(env, onEvent, "scm-native:dispatcher", 0, 1, nullptr,
                                  [self](Napi::Env, void*, std::nullptr_t*) { self->Shutdown(); });
  self->mTsfn = Napi::ThreadSafeFunction(static_cast<napi_threadsafe_function>(tsfn));
  self->mHeartbeatThread = std::thread([self] { self->HeartbeatLoop(); });
  self->mDispatchThread = std::thread([self] {
    DWORD error = StartServiceCtrlDispatcherW(self->mTable.data()) ? 0 : GetLastError();
    {
      std::lock_guard<std::mutex> lock(self->mMutex);
      self->mStopping = true;
      self->mDispatcherReturned = true;
    }
    self->mChanged.notify_all();
    DispatcherEvent exit;
    exit.kind = DispatcherEvent::Kind::Exit;
    exit.exitError = error;
    self->Post(std::move(exit));
    self->mTsfn.Release();
  });
  napi_add_env_cleanup_hook(env, [](void* data) { static_cast<Dispatcher*>(data)->Shutdown(); }, self);
  return env.Undefined();
}

// setServiceStatus(name, seq, state, win32ExitCode, serviceSpecificExitCode, waitHint) -> applied
Napi::Value Dispatcher::SetStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "setServiceStatus(name, seq, state, win32ExitCode, serviceSpecificExitCode, waitHint)");
  std::wstring name = args.String(0);
  uint32_t seq = args.Uint32(1);
  DWORD state = args.Uint32(2);
  DWORD exitCode = args.Uint32(3);
  DWORD serviceCode = args.Uint32(4);
  DWORD waitHint = args.Uint32(5);
  Dispatcher* self = Current();
  if (self == nullptr) return Napi::Boolean::New(env, false);
  std::lock_guard<std::mutex> lock(self->mMutex);
  ServiceSlot* slot = self->Find(name, CaseTwins::LastWins);
  // Stale answers (an older control's) are ignored; 0 is an update not tied to any control.
  if (slot == nullptr || slot->handshake.IsStale(seq)) return Napi::Boolean::New(env, false);
  // A stopped service cannot come back by itself: only the SCM starts it again.
  if (slot->status.dwCurrentState == SERVICE_STOPPED && state != SERVICE_STOPPED) return Napi::Boolean::New(env, false);
  if (slot->handshake.HoldForHandler(StatusAnswer{state, exitCode, serviceCode, waitHint})) {
    self->mChanged.notify_all();
    return Napi::Boolean::New(env, true);
  }
  return Napi::Boolean::New(env, self->ApplyStatus(*slot, state, exitCode, serviceCode, waitHint));
}

// replyToControl(seq, code | null): null declines (the app does not handle the control).
Napi::Value Dispatcher::Reply(const Napi::CallbackInfo& info) {
  Args args(info, "replyToControl(seq, code)");
  uint32_t seq = args.Uint32(0);
  std::optional<DWORD> code = args.OptUint32(1);
  Dispatcher* self = Current();
  if (self != nullptr) {
    {
      std::lock_guard<std::mutex> lock(self->mMutex);
      if (code) {
        self->mReplies.Answer(seq, *code);
      } else {
        self->mReplies.Decline(seq);
      }
    }
    self->mChanged.notify_all();
  }
  return info.Env().Undefined();
}

// simulateControl(name, control, eventType, sessionId) -> Promise<handler's DWORD result>
// Calls this process's own HandlerEx, as the SCM's dispatcher thread would, with a real
// WTSSESSION_NOTIFICATION for session changes. It exists so the decoding of event types and data
// and the path of a notification's answer can be tested where the SCM does not send them (Wine
// sends no event data; a CI machine cannot log on, lock or suspend on demand).
class SimulateControlOp {
 public:
  explicit SimulateControlOp(const Napi::CallbackInfo& info) {
    Args args(info, "simulateControl(name, control, eventType, sessionId)");
    mName = args.String(0);
    mControl = args.Uint32(1);
    mEventType = args.Uint32(2);
    mSessionId = args.Uint32(3);
  }
  void Execute() {
    Dispatcher* self = Dispatcher::Current();
    if (self == nullptr) ThrowWin32(ERROR_SERVICE_NOT_ACTIVE, "HandlerEx");
    ServiceSlot* slot = self->SlotFor(mName, Dispatcher::CaseTwins::FirstWins);
    if (slot == nullptr) ThrowWin32(ERROR_SERVICE_DOES_NOT_EXIST, "HandlerEx");
    WTSSESSION_NOTIFICATION session{sizeof(WTSSESSION_NOTIFICATION), mSessionId};
    mResult = Dispatcher::HandlerEx(mControl, mEventType, mControl == SERVICE_CONTROL_SESSIONCHANGE ? &session : nullptr, slot);
  }
  Napi::Value Result(Napi::Env env) { return Napi::Number::New(env, mResult); }

 private:
  std::wstring mName;
  DWORD mControl = 0, mEventType = 0, mSessionId = 0, mResult = 0;
};

void RegisterServiceDispatcher(Napi::Env env, Napi::Object exports) {
  RegisterOp<SimulateControlOp>(env, exports, "simulateControl");
  exports.Set("startDispatcher", Napi::Function::New(env, Dispatcher::Start, "startDispatcher"));
  exports.Set("setServiceStatus", Napi::Function::New(env, Dispatcher::SetStatus, "setServiceStatus"));
  exports.Set("replyToControl", Napi::Function::New(env, Dispatcher::Reply, "replyToControl"));
}
