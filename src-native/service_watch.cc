// Watchers: a stream of status changes of one service, or of services created and deleted in
// the SCM database. Each is a NotifyThread that re-arms NotifyServiceStatusChangeW after every
// notification until it is closed, the service is deleted, or the environment ends.
#include <deque>
#include "args.h"
#include "notify_thread.h"
#include "operations.h"
#include "scm_access.h"
#include "service_set.h"

#ifndef ERROR_SERVICE_NOTIFY_CLIENT_LAGGING
#define ERROR_SERVICE_NOTIFY_CLIENT_LAGGING 1294L
#endif

namespace {

struct WatchEvent {
  enum class Kind { Status, Deleted, Created, Removed, Resynced, Error, Closed } kind;
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
  // `simulateLaggingOnce` (tests only): the first database notification that names a service is
  // treated as if the SCM had reported ERROR_SERVICE_NOTIFY_CLIENT_LAGGING instead, its names
  // discarded: the recovery below (reopen, register, enumerate) must then find the change.
  ServiceWatcher(OptionalWide system, OptionalWide database, std::optional<std::wstring> service,
                 bool simulateLaggingOnce = false)
      : mSystem(std::move(system)),
        mDatabase(std::move(database)),
        mService(std::move(service)),
        mSimulateLaggingOnce(simulateLaggingOnce) {}

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

  // Service names of every service of the database (all types and states), for the known set.
  static std::vector<std::wstring> EnumerateNames(SC_HANDLE manager) {
    std::vector<std::wstring> names;
    std::vector<BYTE> buffer;
    DWORD resume = 0;
    for (;;) {
      DWORD needed = 0, returned = 0;
      BOOL ok = EnumServicesStatusExW(manager, SC_ENUM_PROCESS_INFO, SERVICE_DRIVER | SERVICE_WIN32, SERVICE_STATE_ALL,
                                      buffer.empty() ? nullptr : buffer.data(), static_cast<DWORD>(buffer.size()),
                                      &needed, &returned, &resume, nullptr);
      DWORD error = ok ? ERROR_SUCCESS : GetLastError();
      if (!ok && error != ERROR_MORE_DATA) ThrowWin32(error, "EnumServicesStatusExW");
      auto* entries = reinterpret_cast<ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
      for (DWORD i = 0; i < returned; ++i) names.emplace_back(entries[i].lpServiceName);
      if (ok) break;
      if (returned == 0 && needed <= buffer.size()) ThrowWin32(error, "EnumServicesStatusExW");
      if (needed > buffer.size()) buffer.assign(needed, 0);
    }
    return names;
  }

  // Created and deleted services. The watcher keeps the set of services it knows to exist (an
  // enumeration at the start, then every event it emitted). When the SCM reports
  // ERROR_SERVICE_NOTIFY_CLIENT_LAGGING it has dropped notifications; as NotifyServiceStatusChangeW's
  // documentation says, the watcher then closes its SCM handle, opens a new one and registers
  // again, and it enumerates once more: the difference from the known set is emitted as the
  // created and deleted events that were lost, and nothing for services that existed all along.
  void WatchDatabase() {
    KnownServices known;
    bool first = true;
    bool lagOnce = mSimulateLaggingOnce;
    // An SCM that reports lagging again and again without one notification in between is not
    // recovered from by reopening: after kMaxLagsInARow the error ends the watcher, as before.
    constexpr int kMaxLagsInARow = 5;
    int lagsInARow = 0;
    for (;;) {  // one pass per SCM handle
      NotifyHandle manager(OpenManager(mSystem, mDatabase, SC_MANAGER_ENUMERATE_SERVICE));
      // The first pass enumerates before registering (so a change after the start is news to the
      // set). A later pass registers first and enumerates after (so nothing falls between the
      // two): a change in between is then in both, and the set lets it through once.
      if (first) known.Reset(EnumerateNames(manager.Get()));
      bool registered = false;
      bool lagging = false;
      for (;;) {
        Wake wake = Wake::Cancelled;
        try {
          if (registered) {
            wake = Wait(mNotify, INFINITE);
          } else {
            Register(manager.Get(), SERVICE_NOTIFY_CREATED | SERVICE_NOTIFY_DELETED, mNotify);
            registered = true;
            if (!first) {
              // Announced first: the created/deleted events that follow come from the enumeration.
              Post(WatchEvent{WatchEvent::Kind::Resynced, {}, {}, {}});
              ServiceSetChanges changes = known.Resync(EnumerateNames(manager.Get()));
              for (auto& name : changes.deleted) Post(WatchEvent{WatchEvent::Kind::Removed, {}, std::move(name), {}});
              for (auto& name : changes.created) Post(WatchEvent{WatchEvent::Kind::Created, {}, std::move(name), {}});
            }
            continue;
          }
        } catch (const Win32Exception& e) {
          if (e.failure.code != ERROR_SERVICE_NOTIFY_CLIENT_LAGGING || ++lagsInARow >= kMaxLagsInARow) throw;
          lagging = true;
        }
        if (!lagging && wake != Wake::Notified) return;
        if (!lagging && lagOnce && mNotify.pszServiceNames != nullptr && *mNotify.pszServiceNames != L'\0') {
          lagOnce = false;
          lagging = true;
        }
        if (!lagging) {
          lagsInARow = 0;
          // A MULTI_SZ of names; created ones carry a '/' prefix.
          for (const wchar_t* p = mNotify.pszServiceNames; p != nullptr && *p != L'\0'; p += wcslen(p) + 1) {
            if (*p == L'/') {
              std::wstring name(p + 1);
              if (known.Created(name)) Post(WatchEvent{WatchEvent::Kind::Created, {}, std::move(name), {}});
            } else {
              std::wstring name(p);
              if (known.Deleted(name)) Post(WatchEvent{WatchEvent::Kind::Removed, {}, std::move(name), {}});
            }
          }
        }
        // The system allocated the names: LocalFree (also when they are discarded).
        if (mNotify.pszServiceNames != nullptr) LocalFree(mNotify.pszServiceNames);
        mNotify.pszServiceNames = nullptr;
        if (lagging) break;
        registered = false;
      }
      first = false;
      // Leaving the scope closes the handle (and with it any registration) before the next pass.
    }
  }

  OptionalWide mSystem;
  OptionalWide mDatabase;
  std::optional<std::wstring> mService;
  bool mSimulateLaggingOnce = false;
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
    case WatchEvent::Kind::Resynced: return "resynced";
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

// watchService(system, database, name | null, onEvent, testOptions?) -> { close, ref, unref }
// testOptions (tests only): { simulateLaggingOnce: boolean } for a database watcher.
Napi::Value ServiceWatcher::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "watchService(system, database, name, onEvent)");
  ManagerTarget manager = ReadManagerTarget(info, "watchService(system, database, name, onEvent)");
  OptionalWide name = args.OptString(2);
  Napi::Function onEvent = args.Function(3);
  bool simulateLaggingOnce = false;
  if (info.Length() > 4 && info[4].IsObject()) {
    Napi::Value flag = info[4].As<Napi::Object>().Get("simulateLaggingOnce");
    simulateLaggingOnce = flag.IsBoolean() && flag.As<Napi::Boolean>().Value();
  }

  auto watcher = std::make_shared<ServiceWatcher>(manager.system, manager.database,
                                                  name ? std::optional<std::wstring>(*name) : std::nullopt,
                                                  simulateLaggingOnce);
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
