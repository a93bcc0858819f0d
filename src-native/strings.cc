#include "strings.h"

std::string WideToUtf8(const std::wstring& text) {
  if (text.empty()) return std::string();
  int size = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0,
                                 nullptr, nullptr);
  std::string out(static_cast<size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size,
                      nullptr, nullptr);
  return out;
}

Napi::String WideToJs(Napi::Env env, const wchar_t* text) {
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(text ? text : L""));
}

Napi::String WideToJs(Napi::Env env, const wchar_t* text, size_t length) {
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(text), length);
}

Napi::Value WideToJsOrNull(Napi::Env env, const wchar_t* text) {
  if (text == nullptr) return env.Null();
  return WideToJs(env, text);
}

Napi::Array MultiSzToJs(Napi::Env env, const wchar_t* list) {
  Napi::Array result = Napi::Array::New(env);
  uint32_t index = 0;
  for (const wchar_t* p = list; p != nullptr && *p != L'\0'; p += wcslen(p) + 1) {
    result.Set(index++, WideToJs(env, p));
  }
  return result;
}

std::wstring BuildMultiSz(const std::vector<std::wstring>& items) {
  std::wstring out;
  for (const auto& item : items) {
    out.append(item);
    out.push_back(L'\0');
  }
  if (items.empty()) out.push_back(L'\0');
  out.push_back(L'\0');
  return out;
}
