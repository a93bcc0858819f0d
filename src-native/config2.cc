#include "config2.h"
#include "query_buffer.h"
#include "win32_error.h"

namespace {

// lpsaActions must be a non-null pointer for "delete all actions" (cActions 0); an empty vector's
// data() may be null, so this stands in for it.
SC_ACTION gNoActions[1] = {};

size_t MinimumSize(DWORD level) {
  switch (level) {
    case SERVICE_CONFIG_DESCRIPTION: return sizeof(SERVICE_DESCRIPTIONW);
    case SERVICE_CONFIG_FAILURE_ACTIONS: return sizeof(SERVICE_FAILURE_ACTIONSW);
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO: return sizeof(SERVICE_DELAYED_AUTO_START_INFO);
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG: return sizeof(SERVICE_FAILURE_ACTIONS_FLAG);
    case SERVICE_CONFIG_SERVICE_SID_INFO: return sizeof(SERVICE_SID_INFO);
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: return sizeof(SERVICE_REQUIRED_PRIVILEGES_INFOW);
    case SERVICE_CONFIG_PRESHUTDOWN_INFO: return sizeof(SERVICE_PRESHUTDOWN_INFO);
    case SERVICE_CONFIG_TRIGGER_INFO: return sizeof(scm::TriggerInfo);
    case SERVICE_CONFIG_LAUNCH_PROTECTED: return sizeof(scm::LaunchProtectedInfo);
    default: return 0;
  }
}

void Change(SC_HANDLE service, DWORD level, void* info) {
  if (!ChangeServiceConfig2W(service, level, info)) ThrowLastError("ChangeServiceConfig2W");
}

}  // namespace

bool IsConfig2Level(DWORD level) { return MinimumSize(level) != 0; }

Config2Change::Config2Change(const JsValues& js, Napi::Value entry, const std::string& what) {
  Napi::Object object = js.Object(entry, what);
  mLevel = js.Uint32(object.Get("level"), what + ".level");
  if (!IsConfig2Level(mLevel)) js.Fail(what + ".level", "a supported SERVICE_CONFIG_* level");
  Napi::Value value = object.Get("value");
  std::string at = what + ".value";
  switch (mLevel) {
    case SERVICE_CONFIG_DESCRIPTION:
      mText = js.String(value, at);
      break;
    case SERVICE_CONFIG_FAILURE_ACTIONS: {
      Napi::Object failure = js.Object(value, at);
      mNumber = js.Uint32(failure.Get("resetPeriod"), at + ".resetPeriod");
      mRebootMessage = js.OptString(failure.Get("rebootMessage"), at + ".rebootMessage");
      mCommand = js.OptString(failure.Get("command"), at + ".command");
      Napi::Value actions = failure.Get("actions");
      mHasActions = !JsValues::IsAbsent(actions);
      if (mHasActions) {
        Napi::Array list = js.Array(actions, at + ".actions");
        for (uint32_t i = 0; i < list.Length(); ++i) {
          std::string actionAt = at + ".actions[" + std::to_string(i) + "]";
          Napi::Object action = js.Object(list.Get(i), actionAt);
          SC_ACTION item{};
          item.Type = static_cast<SC_ACTION_TYPE>(js.Uint32(action.Get("type"), actionAt + ".type"));
          item.Delay = js.Uint32(action.Get("delay"), actionAt + ".delay");
          mActions.push_back(item);
        }
      }
      break;
    }
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
      mNumber = js.Bool(value, at) ? TRUE : FALSE;
      break;
    case SERVICE_CONFIG_SERVICE_SID_INFO:
    case SERVICE_CONFIG_PRESHUTDOWN_INFO:
    case SERVICE_CONFIG_LAUNCH_PROTECTED:
      mNumber = js.Uint32(value, at);
      break;
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
      mText = BuildMultiSz(js.StringArray(value, at));
      break;
    case SERVICE_CONFIG_TRIGGER_INFO:
      mTriggers = TriggerList(js, value, at);
      break;
  }
}

DWORD Config2Change::Access() const {
  DWORD access = SERVICE_CHANGE_CONFIG;
  for (const SC_ACTION& action : mActions) {
    if (action.Type == SC_ACTION_RESTART) access |= SERVICE_START;
  }
  return access;
}

bool Config2Change::NeedsShutdownPrivilege() const {
  for (const SC_ACTION& action : mActions) {
    if (action.Type == SC_ACTION_REBOOT) return true;
  }
  return false;
}

void Config2Change::Apply(SC_HANDLE service) const {
  // The Win32 structures take non-const pointers; ChangeServiceConfig2W only reads through them.
  switch (mLevel) {
    case SERVICE_CONFIG_DESCRIPTION: {
      SERVICE_DESCRIPTIONW info{const_cast<wchar_t*>(mText.c_str())};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_FAILURE_ACTIONS: {
      SERVICE_FAILURE_ACTIONSW info{};
      info.dwResetPeriod = mNumber;
      info.lpRebootMsg = const_cast<wchar_t*>(PtrOrNull(mRebootMessage));
      info.lpCommand = const_cast<wchar_t*>(PtrOrNull(mCommand));
      if (mHasActions) {
        info.cActions = static_cast<DWORD>(mActions.size());
        info.lpsaActions = mActions.empty() ? gNoActions : const_cast<SC_ACTION*>(mActions.data());
      }
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO: {
      SERVICE_DELAYED_AUTO_START_INFO info{static_cast<BOOL>(mNumber)};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG: {
      SERVICE_FAILURE_ACTIONS_FLAG info{static_cast<BOOL>(mNumber)};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_SERVICE_SID_INFO: {
      SERVICE_SID_INFO info{mNumber};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: {
      SERVICE_REQUIRED_PRIVILEGES_INFOW info{const_cast<wchar_t*>(mText.c_str())};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_PRESHUTDOWN_INFO: {
      SERVICE_PRESHUTDOWN_INFO info{mNumber};
      return Change(service, mLevel, &info);
    }
    case SERVICE_CONFIG_TRIGGER_INFO:
      return mTriggers.Apply(service);
    case SERVICE_CONFIG_LAUNCH_PROTECTED: {
      scm::LaunchProtectedInfo info{mNumber};
      return Change(service, mLevel, &info);
    }
  }
}

std::vector<Config2Change> ReadConfig2Changes(const JsValues& js, Napi::Value value, const std::string& what) {
  Napi::Array list = js.Array(value, what);
  std::vector<Config2Change> changes;
  changes.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) {
    changes.emplace_back(js, list.Get(i), what + "[" + std::to_string(i) + "]");
  }
  return changes;
}

DWORD Config2Access(const std::vector<Config2Change>& changes) {
  DWORD access = 0;
  for (const Config2Change& change : changes) access |= change.Access();
  return access;
}

bool Config2NeedsShutdownPrivilege(const std::vector<Config2Change>& changes) {
  for (const Config2Change& change : changes) {
    if (change.NeedsShutdownPrivilege()) return true;
  }
  return false;
}

void ApplyConfig2(SC_HANDLE service, const std::vector<Config2Change>& changes) {
  for (const Config2Change& change : changes) change.Apply(service);
}

std::vector<BYTE> QueryConfig2(SC_HANDLE service, DWORD level) {
  std::vector<BYTE> data = QueryWithGrowingBuffer("QueryServiceConfig2W", [&](BYTE* buffer, DWORD size, DWORD* needed) {
    return QueryServiceConfig2W(service, level, buffer, size, needed);
  });
  // A success must have filled at least the level's structure; anything less cannot be read.
  if (data.size() < MinimumSize(level)) ThrowWin32(ERROR_INVALID_DATA, "QueryServiceConfig2W");
  return data;
}

Napi::Value Config2ToJs(Napi::Env env, DWORD level, const std::vector<BYTE>& data) {
  const void* raw = data.data();
  switch (level) {
    case SERVICE_CONFIG_DESCRIPTION:
      return WideToJsOrNull(env, static_cast<const SERVICE_DESCRIPTIONW*>(raw)->lpDescription);
    case SERVICE_CONFIG_FAILURE_ACTIONS: {
      const auto* info = static_cast<const SERVICE_FAILURE_ACTIONSW*>(raw);
      Napi::Object out = Napi::Object::New(env);
      out.Set("resetPeriod", static_cast<double>(info->dwResetPeriod));
      out.Set("rebootMessage", WideToJsOrNull(env, info->lpRebootMsg));
      out.Set("command", WideToJsOrNull(env, info->lpCommand));
      Napi::Array actions = Napi::Array::New(env, info->cActions);
      for (DWORD i = 0; i < info->cActions && info->lpsaActions != nullptr; ++i) {
        Napi::Object action = Napi::Object::New(env);
        action.Set("type", static_cast<double>(info->lpsaActions[i].Type));
        action.Set("delay", static_cast<double>(info->lpsaActions[i].Delay));
        actions.Set(i, action);
      }
      out.Set("actions", actions);
      return out;
    }
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
      return Napi::Boolean::New(env, static_cast<const SERVICE_DELAYED_AUTO_START_INFO*>(raw)->fDelayedAutostart != FALSE);
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
      return Napi::Boolean::New(env,
                                static_cast<const SERVICE_FAILURE_ACTIONS_FLAG*>(raw)->fFailureActionsOnNonCrashFailures != FALSE);
    case SERVICE_CONFIG_SERVICE_SID_INFO:
      return Napi::Number::New(env, static_cast<double>(static_cast<const SERVICE_SID_INFO*>(raw)->dwServiceSidType));
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
      return MultiSzToJs(env, static_cast<const SERVICE_REQUIRED_PRIVILEGES_INFOW*>(raw)->pmszRequiredPrivileges);
    case SERVICE_CONFIG_PRESHUTDOWN_INFO:
      return Napi::Number::New(env,
                               static_cast<double>(static_cast<const SERVICE_PRESHUTDOWN_INFO*>(raw)->dwPreshutdownTimeout));
    case SERVICE_CONFIG_TRIGGER_INFO:
      return TriggerInfoToJs(env, *static_cast<const scm::TriggerInfo*>(raw));
    case SERVICE_CONFIG_LAUNCH_PROTECTED:
      return Napi::Number::New(env,
                               static_cast<double>(static_cast<const scm::LaunchProtectedInfo*>(raw)->dwLaunchProtected));
    default:
      return env.Undefined();
  }
}
