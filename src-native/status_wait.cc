#include "status_wait.h"
#include <chrono>
#include "args.h"
#include "operations.h"

namespace {

constexpr DWORD kAllStatesMask = SERVICE_NOTIFY_STOPPED | SERVICE_NOTIFY_START_PENDING |
                                 SERVICE_NOTIFY_STOP_PENDING | SERVICE_NOTIFY_RUNNING |
                                 SERVICE_NOTIFY_CONTINUE_PENDING | SERVICE_NOTIFY_PAUSE_PENDING |
                                 SERVICE_NOTIFY_PAUSED;

// SERVICE_NOTIFY_* bit for a SERVICE_* state value (STOPPED=1 -> 0x1, RUNNING=4 -> 0x8, ...).
DWORD NotifyBitForState(DWORD state) { return state >= 1 && state <= 7 ? (1u << (state - 1)) : 0; }

void CALLBACK OnStatusNotify(PVOID context) {
  // Runs as an APC on the waiting thread itself: nothing to synchronise, just flag it.
  *static_cast<bool*>(static_cast<SERVICE_NOTIFYW*>(context)->pContext) = true;
}

const char* OutcomeName(StatusWaiter::Outcome outcome) {
  switch (outcome) {
    case StatusWaiter::Outcome::Reached: return "reached";
    case StatusWaiter::Outcome::TimedOut: return "timeout";
    case StatusWaiter::Outcome::Cancelled: return "cancelled";
    case StatusWaiter::Outcome::Deleted: return "deleted";
    default: return "failed";
  }
}

}  // namespace

StatusWaiter::StatusWaiter(ServiceTarget target, DWORD stateMask, double timeoutMs)
    : mTarget(std::move(target)),
      mStateMask(stateMask & kAllStatesMask),
      mTimeoutMs(timeoutMs),
      mCancelEvent(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}

StatusWaiter::~StatusWaiter() {
  if (mThread.joinable()) mThread.detach();  // not reached: Join() runs first on every path
  if (mCancelEvent) CloseHandle(mCancelEvent);
}

void StatusWaiter::Start(Napi::ThreadSafeFunction tsfn) {
  mTsfn = tsfn;
  mThread = std::thread([self = shared_from_this()] { self->Run(); });
}

void StatusWaiter::Cancel() {
  if (mCancelEvent) SetEvent(mCancelEvent);
}

void StatusWaiter::Join() {
  if (mThread.joinable() && mThread.get_id() != std::this_thread::get_id()) mThread.join();
}

void StatusWaiter::Run() {
  try {
    if (!mCancelEvent) ThrowLastError("CreateEventW");
    WaitLoop();
  } catch (const Win32Exception& e) {
    outcome = Outcome::Failed;
    failure = e.failure;
  } catch (...) {
    outcome = Outcome::Failed;
    failure = Win32Failure{ERROR_INTERNAL_ERROR, "scm-native"};
  }
  // Hand the result to the main thread. If the environment is closing the call fails and the
  // registry's cleanup hook owns the rest.
  mTsfn.NonBlockingCall();
  mTsfn.Release();
}

void StatusWaiter::WaitLoop() {
  using Clock = std::chrono::steady_clock;
  const bool infinite = mTimeoutMs < 0;
  const auto deadline = Clock::now() + std::chrono::milliseconds(infinite ? 0 : static_cast<long long>(mTimeoutMs));
  auto remaining = [&]() -> DWORD {
    if (infinite) return INFINITE;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<DWORD>(left);
  };

  ScHandle service = OpenTargetService(mTarget, SERVICE_QUERY_STATUS);
  status = QueryStatus(service.Get());
  hasStatus = true;
  if (NotifyBitForState(status.dwCurrentState) & mStateMask) {
    outcome = Outcome::Reached;
    return;
  }

  // The SERVICE_NOTIFYW must stay alive while a notification can still be queued to this thread:
  // it lives for the whole loop, and the handle is closed (cancelling any pending notification)
  // and queued APCs drained before it goes out of scope.
  bool fired = false;
  SERVICE_NOTIFYW notify{};
  struct Drain {
    ScHandle& service;
    ~Drain() {
      service.Reset();
      SleepEx(0, TRUE);
    }
  } drain{service};

  for (;;) {
    fired = false;
    notify = SERVICE_NOTIFYW{};
    notify.dwVersion = SERVICE_NOTIFY_STATUS_CHANGE;
    notify.pfnNotifyCallback = OnStatusNotify;
    notify.pContext = &fired;
    DWORD error = NotifyServiceStatusChangeW(service.Get(), mStateMask | SERVICE_NOTIFY_DELETE_PENDING, &notify);
    if (error == ERROR_SERVICE_MARKED_FOR_DELETE) {
      outcome = Outcome::Deleted;
      return;
    }
    if (error != ERROR_SUCCESS) ThrowWin32(error, "NotifyServiceStatusChangeW");

    DWORD wait;
    do {
      wait = WaitForSingleObjectEx(mCancelEvent, remaining(), TRUE);
    } while (wait == WAIT_IO_COMPLETION && !fired);

    if (wait == WAIT_OBJECT_0) {
      outcome = Outcome::Cancelled;
      return;
    }
    if (wait == WAIT_TIMEOUT) {
      status = QueryStatus(service.Get());
      outcome = (NotifyBitForState(status.dwCurrentState) & mStateMask) ? Outcome::Reached : Outcome::TimedOut;
      return;
    }
    if (wait != WAIT_IO_COMPLETION) ThrowLastError("WaitForSingleObjectEx");
    if (notify.dwNotificationStatus != ERROR_SUCCESS) ThrowWin32(notify.dwNotificationStatus, "NotifyServiceStatusChangeW");
    status = notify.ServiceStatus;
    if (notify.dwNotificationTriggered & SERVICE_NOTIFY_DELETE_PENDING) {
      outcome = Outcome::Deleted;
      return;
    }
    if (NotifyBitForState(status.dwCurrentState) & mStateMask) {
      outcome = Outcome::Reached;
      return;
    }
  }
}

namespace {

struct WaitContext {
  std::shared_ptr<StatusWaiter> waiter;
  Napi::Promise::Deferred deferred;
  std::shared_ptr<WaiterRegistry> registry;
};

// Settles the promise on the main thread: { outcome, status } or a Win32 error.
void SettleWait(Napi::Env env, Napi::Function, WaitContext* context, void*) {
  if (env == nullptr) return;
  StatusWaiter& waiter = *context->waiter;
  if (waiter.outcome == StatusWaiter::Outcome::Failed) {
    context->deferred.Reject(MakeWin32Error(env, waiter.failure).Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("outcome", OutcomeName(waiter.outcome));
  result.Set("status", waiter.hasStatus ? Napi::Value(StatusToJs(env, waiter.status)) : env.Null());
  context->deferred.Resolve(result);
}

// waitForStatus(system, database, name, stateMask, timeoutMs) -> { promise, cancel }
// stateMask uses SERVICE_NOTIFY_* bits; timeoutMs < 0 waits without limit.
Napi::Value WaitForStatus(const Napi::CallbackInfo& info) {
  const char* usage = "waitForStatus(system, database, name, stateMask, timeoutMs)";
  Napi::Env env = info.Env();
  Args args(info, usage);
  ServiceTarget target = ReadServiceTarget(info, usage);
  DWORD mask = args.Uint32(3);
  double timeout = args.Number(4);

  std::shared_ptr<WaiterRegistry> registry = env.GetInstanceData<AddonData>()->waiters;
  auto waiter = std::make_shared<StatusWaiter>(std::move(target), mask, timeout);
  auto* context = new WaitContext{waiter, Napi::Promise::Deferred::New(env), registry};
  Napi::Promise promise = context->deferred.Promise();

  using Tsfn = Napi::TypedThreadSafeFunction<WaitContext, void, SettleWait>;
  auto tsfn = Tsfn::New(env, "scm-native:waitForStatus", 0, 1, context, [](Napi::Env, void*, WaitContext* ctx) {
    // Finalizer (main thread): the thread has released the function, so it is finishing or done.
    ctx->waiter->Join();
    {
      std::lock_guard<std::mutex> lock(ctx->registry->mutex);
      ctx->registry->active.erase(ctx->waiter);
    }
    delete ctx;
  });
  {
    std::lock_guard<std::mutex> lock(registry->mutex);
    registry->active.insert(waiter);
  }
  // TypedThreadSafeFunction and ThreadSafeFunction share their napi handle; the waiter only
  // needs NonBlockingCall/Release on it.
  waiter->Start(Napi::ThreadSafeFunction(static_cast<napi_threadsafe_function>(tsfn)));

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", promise);
  std::weak_ptr<StatusWaiter> weak = waiter;
  handle.Set("cancel", Napi::Function::New(env, [weak](const Napi::CallbackInfo& cbInfo) {
               if (auto w = weak.lock()) w->Cancel();
               return cbInfo.Env().Undefined();
             }));
  return handle;
}

}  // namespace

void RegisterStatusWait(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);
  // The hook keeps its own reference: it may run after the instance data is gone.
  auto* hookRef = new std::shared_ptr<WaiterRegistry>(data->waiters);
  // Environment teardown (process exit or a worker thread ending): stop every wait still running
  // and join its thread before the environment's memory goes away.
  napi_add_env_cleanup_hook(
      env,
      [](void* data) {
        auto* ref = static_cast<std::shared_ptr<WaiterRegistry>*>(data);
        WaiterRegistry* reg = ref->get();
        std::set<std::shared_ptr<StatusWaiter>> waiters;
        {
          std::lock_guard<std::mutex> lock(reg->mutex);
          waiters = reg->active;
        }
        for (const auto& w : waiters) w->Cancel();
        for (const auto& w : waiters) w->Join();
        delete ref;
      },
      hookRef);
  exports.Set("waitForStatus", Napi::Function::New(env, WaitForStatus, "waitForStatus"));
}
