// The Windows event log: registering an event source and writing events to it.
#include "args.h"
#include "operations.h"
#include "reg_key.h"
#include "win32_error.h"

namespace {

const wchar_t kSourcesKey[] = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\";

// The (system, log, source) installEventSource and removeEventSource start with: the key
// HKLM\...\EventLog\<log>\<source> of `system` (null: this machine).
struct SourceKey {
  OptionalWide system;
  std::wstring log;
  std::wstring source;
  std::wstring Path() const { return std::wstring(kSourcesKey) + log + L"\\" + source; }
};

SourceKey ReadSourceKey(const Args& args) { return SourceKey{args.OptString(0), args.String(1), args.String(2)}; }

void ConnectLocalMachine(const OptionalWide& system, RegKey& root) {
  LSTATUS rc = RegConnectRegistryW(PtrOrNull(system), HKEY_LOCAL_MACHINE, root.Out());
  if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegConnectRegistryW");
}

// installEventSource(system, log, source, messageFile, typesSupported): creates
// HKLM\...\EventLog\<log>\<source> with EventMessageFile and TypesSupported.
class InstallEventSourceOp {
 public:
  explicit InstallEventSourceOp(const Napi::CallbackInfo& info) {
    Args args(info, "installEventSource(system, log, source, messageFile, typesSupported)");
    mKey = ReadSourceKey(args);
    mMessageFile = args.String(3);
    mTypes = args.Uint32(4);
  }
  void Execute() {
    RegKey root, key;
    ConnectLocalMachine(mKey.system, root);
    LSTATUS rc = RegCreateKeyExW(root.Get(), mKey.Path().c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, key.Out(), nullptr);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegCreateKeyExW");
    rc = SetStringValue(key.Get(), L"EventMessageFile", REG_EXPAND_SZ, mMessageFile);
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegSetValueExW");
    rc = RegSetValueExW(key.Get(), L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&mTypes), sizeof(mTypes));
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegSetValueExW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  SourceKey mKey;
  std::wstring mMessageFile;
  DWORD mTypes = 0;
};

// removeEventSource(system, log, source)
class RemoveEventSourceOp {
 public:
  explicit RemoveEventSourceOp(const Napi::CallbackInfo& info) {
    mKey = ReadSourceKey(Args(info, "removeEventSource(system, log, source)"));
  }
  void Execute() {
    RegKey root;
    ConnectLocalMachine(mKey.system, root);
    LSTATUS rc = RegDeleteKeyW(root.Get(), mKey.Path().c_str());
    if (rc != ERROR_SUCCESS) ThrowWin32(rc, "RegDeleteKeyW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  SourceKey mKey;
};

// reportEvent(system, source, type, category, eventId, strings): RegisterEventSourceW + ReportEventW.
class ReportEventOp {
 public:
  explicit ReportEventOp(const Napi::CallbackInfo& info) {
    Args args(info, "reportEvent(system, source, type, category, eventId, strings)");
    mSystem = args.OptString(0);
    mSource = args.String(1);
    mType = args.Uint32(2);
    mCategory = args.Uint32(3);
    mEventId = args.Uint32(4);
    mStrings = args.StringArray(5);
  }
  void Execute() {
    HANDLE source = RegisterEventSourceW(PtrOrNull(mSystem), mSource.c_str());
    if (source == nullptr) ThrowLastError("RegisterEventSourceW");
    std::vector<LPCWSTR> strings;
    for (const auto& s : mStrings) strings.push_back(s.c_str());
    BOOL ok = ReportEventW(source, static_cast<WORD>(mType), static_cast<WORD>(mCategory), mEventId, nullptr,
                           static_cast<WORD>(strings.size()), 0, strings.empty() ? nullptr : strings.data(), nullptr);
    DWORD error = ok ? ERROR_SUCCESS : GetLastError();
    DeregisterEventSource(source);
    if (!ok) ThrowWin32(error, "ReportEventW");
  }
  Napi::Value Result(Napi::Env env) { return env.Undefined(); }

 private:
  OptionalWide mSystem;
  std::wstring mSource;
  DWORD mType = 0, mCategory = 0, mEventId = 0;
  std::vector<std::wstring> mStrings;
};

}  // namespace

void RegisterEventLog(Napi::Env env, Napi::Object exports) {
  RegisterOp<InstallEventSourceOp>(env, exports, "installEventSource");
  RegisterOp<RemoveEventSourceOp>(env, exports, "removeEventSource");
  RegisterOp<ReportEventOp>(env, exports, "reportEvent");
}
