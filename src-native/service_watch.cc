// Watchers: a stream of status changes of one service, or of services created and deleted in
// the SCM database. Each is a NotifyThread that re-arms NotifyServiceStatusChangeW after every
// notification until it is closed, the service is deleted, or the environment ends.
#include <deque>
#include "args.h"
#include "notify_thread.h"
#include "operations.h"
#include "scm_access.h"

namespace {

struct WatchEvent {
  enum class Kind { Status, Deleted, Created, Removed, Error, Closed } kind;
  SERVICE_STATUS_PROCESS status{};
  std::wstring name;
  Win32Failure failure;
};

class ServiceWatcher;
void DeliverWatchEvent(Napi::Env env, Napi::Function callback, ServiceWatcher* watcher, WatchEvent* event);
using WatchTsfn = Napi::TypedThreadSafeFunction<ServiceWatcher, WatchEvent, DeliverWatchEvent>;

class ServiceWatcher : public NotifyThread {
 public:
  // `service` empty: watch the SCM database for created and deleted services.
  ServiceWatcher(OptionalWide system, OptionalWide database, std::optional<std::wstring> service)
      : mSystem(std::move(system)), mDatabase(std::move(database)), mService(std::move(service)) {}

  static Napi::Value Start(const Napi::CallbackInfo& info);

 protected:
  void Body() override {
    if (mService) {
      WatchService();
    } else {
      WatchDatabase();
    }
  }
  void Finish() override {
    if (failed) Post(WatchEvent{WatchEvent::Kind::Error, {}, {}, failure});
    Post(WatchEvent{WatchEvent::Kind::Closed, {}, {}, {}});
    mTsfn.Release();
  }

 private:
  void Post(WatchEvent event) {
    auto* copy = new WatchEvent(std::move(event));
    if (mTsfn.NonBlockingCall(copy) != napi_ok) delete copy;
  }

  void WatchService() {
    NotifyHandle service(OpenTargetService(ServiceTarget{mSystem, mDatabase, *mService}, SERVICE_QUERY_STATUS));
    SERVICE_STATUS_PROCESS current = QueryStatus(service.Get());
    Post(WatchEvent{WatchEvent::Kind::Status, current, {}, {}});
    for (;;) {
      // Every state but the current one: a notification then always means a change, whatever
      // the SCM does for a handle whose service is already in a requested state.
      DWORD mask = (kAllStatesMask & ~NotifyBitForState(current.dwCurrentState)) | SERVICE_NOTIFY_DELETE_PENDING;
      Wake wake;
      try {
        wake = NotifyOnce(service.Get(), mask, mNotify, INFINITE);
      } catch (const Win32Exception& e) {
        if (e.failure.code != ERROR_SERVICE_MARKED_FOR_DELETE) throw;
        Post(WatchEvent{WatchEvent::Kind::Deleted, current, {}, {}});
        return;
      }
      if (wake != Wake::Notified) return;
      current = mNotify.ServiceStatus;
      if (mNotify.dwNotificationTriggered & SERVICE_NOTIFY_DELETE_PENDING) {
        Post(WatchEvent{WatchEvent::Kind::Deleted, current, {}, {}});
        return;
      }
      Post(WatchEvent{WatchEvent::Kind::Status, current, {}, {}});
    }
  }

  void WatchDatabase() {
    NotifyHandle manager(OpenManager(mSystem, mDatabase, SC_MANAGER_ENUMERATE_SERVICE));
    for (;;) {
      Wake wake = NotifyOnce(manager.Get(), SERVICE_NOTIFY_CREATED | SERVICE_NOTIFY_DELETED, mNotify, INFINITE);
      if (wake != Wake::Notified) return;
      // A MULTI_SZ of names; created ones carry a '/' prefix. The system allocated it: LocalFree.
      for (const wchar_t* p = mNotify.pszServiceNames; p != nullptr && *p != L'\0'; p += wcslen(p) + 1) {
        if (*p == L'/') {
          Post(WatchEvent{WatchEvent::Kind::Created, {}, std::wstring(p + 1), {}});
        } else {
          Post(WatchEvent{WatchEvent::Kind::Removed, {}, std::wstring(p), {}});
        }
      }
      if (mNotify.pszServiceNames != nullptr) LocalFree(mNotify.pszServiceNames);
      mNotify.pszServiceNames = nullptr;
    }
  }

  OptionalWide mSystem;
  OptionalWide mDatabase;
  std::optional<std::wstring> mService;
  SERVICE_NOTIFYW mNotify{};
  WatchTsfn mTsfn;
  friend void DeliverWatchEvent(Napi::Env, Napi::Function, ServiceWatcher*, WatchEvent*);
};

const char* KindName(WatchEvent::Kind kind) {
  switch (kind) {
    case WatchEvent::Kind::Status: return "status";
    case WatchEvent::Kind::Deleted: return "deleted";
    case WatchEvent::Kind::Created: return "created";
    case WatchEvent::Kind::Removed: return "removed";
    case WatchEvent::Kind::Error: return "error";
    default: return "closed";
  }
}

void DeliverWatchEvent(Napi::Env env, Napi::Function callback, ServiceWatcher*, WatchEvent* event) {
  std::unique_ptr<WatchEvent> owned(event);
  if (env == nullptr || callback.IsEmpty()) return;
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", KindName(event->kind));
  if (event->kind == WatchEvent::Kind::Status || event->kind == WatchEvent::Kind::Deleted) {
    out.Set("status", StatusToJs(env, event->status));
  }
  if (!event->name.empty()) out.Set("name", WideToJs(env, event->name.c_str()));
  if (event->kind == WatchEvent::Kind::Error) out.Set("error", MakeWin32Error(env, event->failure).Value());
  try {
    callback.Call({out});
  } catch (const Napi::Error& e) {
    napi_fatal_exception(env, e.Value());
  }
}

// watchService(system, database, name | null, onEvent) -> { close, ref, unref }
Napi::Value ServiceWatcher::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "watchService(system, database, name, onEvent)");
  ManagerTarget manager = ReadManagerTarget(info, "watchService(system, database, name, onEvent)");
  OptionalWide name = args.OptString(2);
  Napi::Function onEvent = args.Function(3);

  auto watcher = std::make_shared<ServiceWatcher>(manager.system, manager.database,
                                                  name ? std::optional<std::wstring>(*name) : std::nullopt);
  watcher->mTsfn = WatchTsfn::New(env, onEvent, "scm-native:watchService", 0, 1, watcher.get(),
                                  [](Napi::Env, void*, ServiceWatcher* w) { NotifyThread::Finalize(w); });
  Launch(env, watcher);

  Napi::Object handle = Napi::Object::New(env);
  std::weak_ptr<ServiceWatcher> weak = watcher;
  handle.Set("close", CancelFunction(env, watcher));
  // ref/unref decide whether this watcher keeps the event loop alive (main thread only).
  handle.Set("ref", Napi::Function::New(env, [weak](const Napi::CallbackInfo& cb) {
               if (auto w = weak.lock()) w->mTsfn.Ref(cb.Env());
               return cb.Env().Undefined();
             }));
  handle.Set("unref", Napi::Function::New(env, [weak](const Napi::CallbackInfo& cb) {
               if (auto w = weak.lock()) w->mTsfn.Unref(cb.Env());
               return cb.Env().Undefined();
             }));
  return handle;
}

}  // namespace

void RegisterServiceWatch(Napi::Env env, Napi::Object exports) {
  exports.Set("watchService", Napi::Function::New(env, ServiceWatcher::Start, "watchService"));
}
