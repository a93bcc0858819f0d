#include "triggers.h"
#include <cstring>
#include "win32_error.h"

namespace {

constexpr size_t kMaxTriggerData = 1024;  // SERVICE_TRIGGER_SPECIFIC_DATA_ITEM: cbData is at most 1024

Napi::Buffer<uint8_t> CopyToBuffer(Napi::Env env, const void* data, size_t size) {
  if (data == nullptr || size == 0) return Napi::Buffer<uint8_t>::New(env, 0);
  return Napi::Buffer<uint8_t>::Copy(env, static_cast<const uint8_t*>(data), size);
}

}  // namespace

TriggerList::TriggerList(const JsValues& js, Napi::Value value, const std::string& what) {
  Napi::Array triggers = js.Array(value, what);
  mEntries.reserve(triggers.Length());
  for (uint32_t i = 0; i < triggers.Length(); ++i) {
    std::string at = what + "[" + std::to_string(i) + "]";
    Napi::Object trigger = js.Object(triggers.Get(i), at);
    Entry entry{};
    entry.type = js.Uint32(trigger.Get("type"), at + ".type");
    entry.action = js.Uint32(trigger.Get("action"), at + ".action");
    Napi::Value subtype = trigger.Get("subtype");
    entry.hasSubtype = !JsValues::IsAbsent(subtype);
    if (entry.hasSubtype) {
      std::vector<uint8_t> guid = js.Bytes(subtype, at + ".subtype");
      if (guid.size() != sizeof(GUID)) js.Fail(at + ".subtype", "16 bytes (a GUID) or null");
      std::memcpy(&entry.subtype, guid.data(), sizeof(GUID));
    }
    Napi::Array items = js.Array(trigger.Get("data"), at + ".data");
    for (uint32_t j = 0; j < items.Length(); ++j) {
      std::string itemAt = at + ".data[" + std::to_string(j) + "]";
      Napi::Object item = js.Object(items.Get(j), itemAt);
      DataItem data{js.Uint32(item.Get("type"), itemAt + ".type"), js.Bytes(item.Get("bytes"), itemAt + ".bytes")};
      if (data.bytes.size() > kMaxTriggerData) js.Fail(itemAt + ".bytes", "at most 1024 bytes");
      entry.data.push_back(std::move(data));
    }
    mEntries.push_back(std::move(entry));
  }
}

void TriggerList::Apply(SC_HANDLE service) const {
  // The Win32 structures point into mEntries; they are built here, after the owner can no longer
  // move, and live only for the call. Win32 takes non-const pointers but does not write through them.
  std::vector<GUID> subtypes;
  std::vector<std::vector<scm::TriggerDataItem>> items(mEntries.size());
  std::vector<scm::Trigger> triggers(mEntries.size());
  subtypes.reserve(mEntries.size());
  for (size_t i = 0; i < mEntries.size(); ++i) {
    const Entry& entry = mEntries[i];
    subtypes.push_back(entry.subtype);
    for (const DataItem& data : entry.data) {
      items[i].push_back(scm::TriggerDataItem{data.type, static_cast<DWORD>(data.bytes.size()),
                                              const_cast<BYTE*>(data.bytes.data())});
    }
    triggers[i] = scm::Trigger{entry.type, entry.action, entry.hasSubtype ? &subtypes[i] : nullptr,
                               static_cast<DWORD>(items[i].size()),
                               items[i].empty() ? nullptr : items[i].data()};
  }
  scm::TriggerInfo info{static_cast<DWORD>(triggers.size()), triggers.empty() ? nullptr : triggers.data(), nullptr};
  if (ChangeServiceConfig2W(service, SERVICE_CONFIG_TRIGGER_INFO, &info)) return;
  DWORD error = GetLastError();
  if (mEntries.empty() && error == ERROR_INVALID_PARAMETER) return;
  ThrowWin32(error, "ChangeServiceConfig2W");
}

Napi::Array TriggerInfoToJs(Napi::Env env, const scm::TriggerInfo& info) {
  Napi::Array out = Napi::Array::New(env, info.cTriggers);
  for (DWORD i = 0; i < info.cTriggers && info.pTriggers != nullptr; ++i) {
    const scm::Trigger& trigger = info.pTriggers[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("type", static_cast<double>(trigger.dwTriggerType));
    item.Set("action", static_cast<double>(trigger.dwAction));
    item.Set("subtype", trigger.pTriggerSubtype ? CopyToBuffer(env, trigger.pTriggerSubtype, sizeof(GUID)).As<Napi::Value>()
                                                : env.Null());
    Napi::Array data = Napi::Array::New(env, trigger.cDataItems);
    for (DWORD j = 0; j < trigger.cDataItems && trigger.pDataItems != nullptr; ++j) {
      const scm::TriggerDataItem& source = trigger.pDataItems[j];
      Napi::Object dataItem = Napi::Object::New(env);
      dataItem.Set("type", static_cast<double>(source.dwDataType));
      dataItem.Set("bytes", CopyToBuffer(env, source.pData, source.cbData));
      data.Set(j, dataItem);
    }
    item.Set("data", data);
    out.Set(i, item);
  }
  return out;
}
