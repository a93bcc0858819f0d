// Service trigger events (SERVICE_CONFIG_TRIGGER_INFO, Windows 7 and later): start or stop a
// service when a device arrives, an IP address appears, a firewall port opens, an ETW event fires.
#pragma once
#include <napi.h>
#include <windows.h>
#include <winsvc.h>
#include <cstdint>
#include <string>
#include <vector>
#include "js_values.h"

// mingw-w64's winsvc.h lacks SERVICE_TRIGGER, SERVICE_TRIGGER_INFO and
// SERVICE_TRIGGER_SPECIFIC_DATA_ITEM. They are declared here with the Windows SDK's layout, under
// names of our own so that a build against the SDK (which has them) does not clash.
namespace scm {
struct TriggerDataItem {  // SERVICE_TRIGGER_SPECIFIC_DATA_ITEM
  DWORD dwDataType;
  DWORD cbData;
  BYTE* pData;
};
struct Trigger {  // SERVICE_TRIGGER
  DWORD dwTriggerType;
  DWORD dwAction;
  GUID* pTriggerSubtype;
  DWORD cDataItems;
  TriggerDataItem* pDataItems;
};
struct TriggerInfo {  // SERVICE_TRIGGER_INFO
  DWORD cTriggers;
  Trigger* pTriggers;
  BYTE* pReserved;
};
static_assert(sizeof(TriggerDataItem) == (sizeof(void*) == 8 ? 16 : 12), "SERVICE_TRIGGER_SPECIFIC_DATA_ITEM layout");
static_assert(sizeof(Trigger) == (sizeof(void*) == 8 ? 32 : 20), "SERVICE_TRIGGER layout");
static_assert(sizeof(TriggerInfo) == (sizeof(void*) == 8 ? 24 : 12), "SERVICE_TRIGGER_INFO layout");
}  // namespace scm

// The triggers of one ChangeServiceConfig2W call, owned. From JS:
//   [{ type, action, subtype: Uint8Array(16) (a GUID in memory order) | null, data: [{ type, bytes: Uint8Array }] }]
// The TypeScript layer turns tokens, GUID strings and typed values into these numbers and bytes.
class TriggerList {
 public:
  TriggerList() = default;
  TriggerList(const JsValues& js, Napi::Value value, const std::string& what);

  // Builds SERVICE_TRIGGER_INFO over the owned storage and calls ChangeServiceConfig2W. An empty
  // list deletes every trigger; Windows answers ERROR_INVALID_PARAMETER when the service has none
  // to delete, which is the state asked for, so that answer counts as success for an empty list.
  void Apply(SC_HANDLE service) const;

 private:
  struct DataItem {
    DWORD type;
    std::vector<uint8_t> bytes;
  };
  struct Entry {
    DWORD type;
    DWORD action;
    bool hasSubtype;
    GUID subtype;
    std::vector<DataItem> data;
  };
  std::vector<Entry> mEntries;
};

// A queried SERVICE_TRIGGER_INFO as [{ type, action, subtype: Buffer | null, data: [{ type, bytes: Buffer }] }].
Napi::Array TriggerInfoToJs(Napi::Env env, const scm::TriggerInfo& info);
