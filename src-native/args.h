// Type re-checks at the native boundary. The TypeScript layer validates values first; these only
// make sure a wrong call from JS raises a TypeError naming the function's usage, never a crash.
#pragma once
#include <napi.h>
#include "strings.h"

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* usage) : mInfo(info), mUsage(usage) {}

  std::wstring String(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsString()) Fail(index, "a string");
    std::u16string text = value.As<Napi::String>().Utf16Value();
    if (text.find(u'\0') != std::u16string::npos) Fail(index, "a string without NUL characters");
    return std::wstring(text.begin(), text.end());
  }

  OptionalWide OptString(size_t index) const {
    Napi::Value value = mInfo[index];
    if (value.IsNull() || value.IsUndefined()) return std::nullopt;
    return String(index);
  }

  DWORD Uint32(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsNumber()) Fail(index, "a number");
    double number = value.As<Napi::Number>().DoubleValue();
    if (!(number >= 0 && number <= 4294967295.0) || number != static_cast<double>(static_cast<DWORD>(number))) {
      Fail(index, "an unsigned 32-bit integer");
    }
    return static_cast<DWORD>(number);
  }

  // null or undefined -> nullopt.
  std::optional<DWORD> OptUint32(size_t index) const {
    Napi::Value value = mInfo[index];
    if (value.IsNull() || value.IsUndefined()) return std::nullopt;
    return Uint32(index);
  }

  double Number(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsNumber()) Fail(index, "a number");
    return value.As<Napi::Number>().DoubleValue();
  }

  bool Bool(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsBoolean()) Fail(index, "a boolean");
    return value.As<Napi::Boolean>().Value();
  }

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

  std::optional<std::vector<std::wstring>> OptStringArray(size_t index) const {
    Napi::Value value = mInfo[index];
    if (value.IsNull() || value.IsUndefined()) return std::nullopt;
    return StringArray(index);
  }

  Napi::Function Function(size_t index) const {
    Napi::Value value = mInfo[index];
    if (!value.IsFunction()) Fail(index, "a function");
    return value.As<Napi::Function>();
  }

 private:
  [[noreturn]] void Fail(size_t index, const char* expected) const {
    throw Napi::TypeError::New(mInfo.Env(), std::string("argument ") + std::to_string(index) + " must be " +
                                                expected + ". Usage: " + mUsage);
  }
  const Napi::CallbackInfo& mInfo;
  const char* mUsage;
};
