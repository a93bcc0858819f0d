// Type re-checks at the native boundary. The TypeScript layer validates values first; these only
// make sure a wrong call from JS raises a TypeError naming the function's usage, never a crash.
// The scalar checks are JsValues' (js_values.h) with "argument N" as the name, so a top-level
// argument and a nested field are checked, and worded, the same way.
#pragma once
#include <napi.h>
#include "js_values.h"
#include "strings.h"

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* usage) : mInfo(info), mUsage(usage) {}

  std::wstring String(size_t index) const { return Js().String(mInfo[index], What(index)); }

  OptionalWide OptString(size_t index) const {
    if (JsValues::IsAbsent(mInfo[index])) return std::nullopt;
    return String(index);
  }

  DWORD Uint32(size_t index) const { return Js().Uint32(mInfo[index], What(index)); }

  // null or undefined -> nullopt.
  std::optional<DWORD> OptUint32(size_t index) const {
    if (JsValues::IsAbsent(mInfo[index])) return std::nullopt;
    return Uint32(index);
  }

  double Number(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsNumber()) Fail(index, "a number");
    return value.As<Napi::Number>().DoubleValue();
  }

  bool Bool(size_t index) const { return Js().Bool(mInfo[index], What(index)); }

  std::vector<std::wstring> StringArray(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsArray()) Fail(index, "an array of strings");
    Napi::Array array = value.As<Napi::Array>();
    std::vector<std::wstring> out;
    out.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value item = array.Get(i);
      if (!item.IsString()) Fail(index, "an array of strings");
      std::u16string text = item.As<Napi::String>().Utf16Value();
      if (text.find(u'\0') != std::u16string::npos) Fail(index, "an array of strings without NUL characters");
      out.emplace_back(text.begin(), text.end());
    }
    return out;
  }

  std::vector<double> NumberArray(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsArray()) Fail(index, "an array of numbers");
    Napi::Array array = value.As<Napi::Array>();
    std::vector<double> out;
    out.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value item = array.Get(i);
      if (!item.IsNumber()) Fail(index, "an array of numbers");
      out.push_back(item.As<Napi::Number>().DoubleValue());
    }
    return out;
  }

  std::optional<std::vector<std::wstring>> OptStringArray(size_t index) const {
    if (JsValues::IsAbsent(mInfo[index])) return std::nullopt;
    return StringArray(index);
  }

  Napi::Function Function(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsFunction()) Fail(index, "a function");
    return value.As<Napi::Function>();
  }

 private:
  static std::string What(size_t index) { return "argument " + std::to_string(index); }
  JsValues Js() const { return JsValues(mInfo.Env(), mUsage); }
  [[noreturn]] void Fail(size_t index, const char* expected) const { Js().Fail(What(index), expected); }
  const Napi::CallbackInfo& mInfo;
  const char* mUsage;
};
