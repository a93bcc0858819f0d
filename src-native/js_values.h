// Type re-checks for values nested inside objects and arrays (config-2 levels, triggers, the
// fields of a configuration change). The TypeScript layer validates first; like Args, these only
// make a malformed call from JS raise a TypeError naming the field and the usage, never a crash.
#pragma once
#include <napi.h>
#include <windows.h>
#include <cstdint>
#include <string>
#include <vector>
#include "strings.h"

class JsValues {
 public:
  JsValues(Napi::Env env, const char* usage) : mEnv(env), mUsage(usage) {}

  Napi::Object Object(Napi::Value value, const std::string& what) const;
  Napi::Array Array(Napi::Value value, const std::string& what) const;
  DWORD Uint32(Napi::Value value, const std::string& what) const;
  bool Bool(Napi::Value value, const std::string& what) const;
  std::wstring String(Napi::Value value, const std::string& what) const;
  // null or undefined -> nullopt.
  OptionalWide OptString(Napi::Value value, const std::string& what) const;
  std::vector<std::wstring> StringArray(Napi::Value value, const std::string& what) const;
  // A Uint8Array (Buffer included), copied.
  std::vector<uint8_t> Bytes(Napi::Value value, const std::string& what) const;
  static bool IsAbsent(Napi::Value value) { return value.IsNull() || value.IsUndefined(); }

  [[noreturn]] void Fail(const std::string& what, const char* expected) const;

 private:
  Napi::Env mEnv;
  const char* mUsage;
};
