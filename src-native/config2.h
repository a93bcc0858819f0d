// The optional configuration levels of a service: ChangeServiceConfig2W and QueryServiceConfig2W.
// JS hands over and gets back plain numbers, strings, booleans and bytes per level; tokens and
// defaults live in the TypeScript layer (lib/services/config2.ts).
#pragma once
#include <napi.h>
#include <windows.h>
#include <winsvc.h>
#include <string>
#include <vector>
#include "js_values.h"
#include "strings.h"
#include "triggers.h"

// mingw-w64's winsvc.h has SERVICE_CONFIG_LAUNCH_PROTECTED but not the structure (Windows 8.1+).
namespace scm {
struct LaunchProtectedInfo {  // SERVICE_LAUNCH_PROTECTED_INFO
  DWORD dwLaunchProtected;
};
}  // namespace scm

// The levels this addon reads and writes (SERVICE_CONFIG_*).
bool IsConfig2Level(DWORD level);

// One level to set, read from JS as { level, value } on the main thread, applied on any thread.
// `value` by level:
//   DESCRIPTION              string ("" deletes the description)
//   FAILURE_ACTIONS          { resetPeriod, rebootMessage, command, actions }: a null string leaves
//                            it unchanged and "" deletes it; null actions leave actions and reset
//                            period unchanged, [] deletes them; actions are [{ type, delay }]
//   DELAYED_AUTO_START_INFO, FAILURE_ACTIONS_FLAG   boolean
//   SERVICE_SID_INFO, PRESHUTDOWN_INFO, LAUNCH_PROTECTED   number
//   REQUIRED_PRIVILEGES_INFO string[] ([] clears the list)
//   TRIGGER_INFO             triggers as TriggerList reads them ([] deletes every trigger)
class Config2Change {
 public:
  Config2Change(const JsValues& js, Napi::Value entry, const std::string& what);

  DWORD Level() const { return mLevel; }
  // SERVICE_CHANGE_CONFIG, plus SERVICE_START when a failure action restarts the service (the
  // SCM requires it for SC_ACTION_RESTART).
  DWORD Access() const;
  // SC_ACTION_REBOOT needs SE_SHUTDOWN_NAME enabled in the caller's token.
  bool NeedsShutdownPrivilege() const;
  // ChangeServiceConfig2W; throws Win32Exception.
  void Apply(SC_HANDLE service) const;

 private:
  DWORD mLevel = 0;
  DWORD mNumber = 0;   // SID type, timeout, protection, boolean levels, failure reset period
  std::wstring mText;  // description, or the privileges as a double-NUL list
  OptionalWide mRebootMessage;
  OptionalWide mCommand;
  bool mHasActions = false;
  std::vector<SC_ACTION> mActions;
  TriggerList mTriggers;
};

std::vector<Config2Change> ReadConfig2Changes(const JsValues& js, Napi::Value value, const std::string& what);
DWORD Config2Access(const std::vector<Config2Change>& changes);
bool Config2NeedsShutdownPrivilege(const std::vector<Config2Change>& changes);
// Applies the changes in order; the first failure throws and leaves the rest unapplied.
void ApplyConfig2(SC_HANDLE service, const std::vector<Config2Change>& changes);

// QueryServiceConfig2W with the size probe; the raw buffer is converted on the main thread.
std::vector<BYTE> QueryConfig2(SC_HANDLE service, DWORD level);
Napi::Value Config2ToJs(Napi::Env env, DWORD level, const std::vector<BYTE>& data);
