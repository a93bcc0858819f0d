// The service side: this process *is* one or more services. StartServiceCtrlDispatcherW blocks
// for the life of the services, so it runs on its own thread; every control the SCM sends reaches
// JS on the main thread through a thread-safe function, and JS answers with SetServiceStatus
// (updateServiceStatus) whenever it is ready, possibly late and out of order.
#pragma once
#include <napi.h>
#include <windows.h>
#include <winsvc.h>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "control_handshake.h"

// One service hosted by this process.
struct ServiceSlot {
  std::wstring name;
  SERVICE_STATUS_HANDLE handle = nullptr;
  SERVICE_STATUS status{};
  ControlHandshake handshake;
};

// What the dispatcher tells JS. Raw numbers only; the TypeScript layer names them.
struct DispatcherEvent {
  enum class Kind { Control, Exit } kind = Kind::Control;
  std::wstring service;
  uint32_t seq = 0;
  DWORD control = 0;  // SERVICE_CONTROL_*, or 0 for start
  DWORD eventType = 0;
  DWORD sessionId = 0;
  bool hasSessionId = false;
  bool needsReply = false;  // a notification whose handler's return value goes back to the SCM
  std::vector<std::wstring> args;  // start arguments (argv[1..])
  DWORD exitError = 0;  // Kind::Exit: StartServiceCtrlDispatcherW's error, 0 when it returned normally
};

class Dispatcher {
 public:
  static Dispatcher* Current();

  // Starts the dispatcher thread. Only once per process (a Win32 rule).
  static Napi::Value Start(const Napi::CallbackInfo& info);
  // setServiceStatus(name, seq, state, win32ExitCode, serviceSpecificExitCode, waitHint) -> applied?
  static Napi::Value SetStatus(const Napi::CallbackInfo& info);
  // replyToControl(seq, code): the return value of a notification handler.
  static Napi::Value Reply(const Napi::CallbackInfo& info);

  // Called on the SCM's threads.
  static void WINAPI ServiceMain(DWORD argc, LPWSTR* argv);
  static DWORD WINAPI HandlerEx(DWORD control, DWORD eventType, LPVOID eventData, LPVOID context);

  void Shutdown();  // environment teardown

  // Which of two table names that differ only in case a lookup takes (see Find).
  enum class CaseTwins { FirstWins, LastWins };
  // Find, taking the lock itself (simulateControl, on a worker thread).
  ServiceSlot* SlotFor(const std::wstring& name, CaseTwins twins);

 private:
  Dispatcher() = default;
  void Post(DispatcherEvent event);
  bool ApplyStatus(ServiceSlot& slot, DWORD state, DWORD win32ExitCode, DWORD serviceCode, DWORD waitHint);
  void EnterPending(ServiceSlot& slot, DWORD pendingState);
  void HeartbeatLoop();
  ServiceSlot* Find(const std::wstring& name, CaseTwins twins);
  DWORD AcceptedFor(DWORD state) const;

  std::mutex mMutex;
  std::condition_variable mChanged;
  std::vector<std::unique_ptr<ServiceSlot>> mSlots;
  std::vector<SERVICE_TABLE_ENTRYW> mTable;
  DWORD mServiceType = SERVICE_WIN32_OWN_PROCESS;
  DWORD mControlsAccepted = 0;
  DWORD mReplyTimeoutMs = 3000;
  uint32_t mNextSeq = 1;
  NotificationReplies mReplies;
  bool mStopping = false;
  bool mDispatcherReturned = false;
  Napi::ThreadSafeFunction mTsfn;
  std::thread mDispatchThread;
  std::thread mHeartbeatThread;
};
