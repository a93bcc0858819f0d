// UTF-16 <-> JS string conversions and the double-NUL string lists Win32 uses.
#pragma once
#include <napi.h>
#include <windows.h>
#include <optional>
#include <string>
#include <vector>

std::string WideToUtf8(const std::wstring& text);
Napi::String WideToJs(Napi::Env env, const wchar_t* text);
Napi::String WideToJs(Napi::Env env, const wchar_t* text, size_t length);
// nullptr -> JS null.
Napi::Value WideToJsOrNull(Napi::Env env, const wchar_t* text);
// A double-NUL terminated list ("a\0b\0\0") as a JS array of strings.
Napi::Array MultiSzToJs(Napi::Env env, const wchar_t* list);

// Builds "a\0b\0\0" from strings (an empty list gives "\0\0").
std::wstring BuildMultiSz(const std::vector<std::wstring>& items);

// A wide string that may be absent (JS null/undefined): Win32 wants nullptr for "not given".
using OptionalWide = std::optional<std::wstring>;
inline const wchar_t* PtrOrNull(const OptionalWide& value) { return value ? value->c_str() : nullptr; }

// Overwrites a secret (a password) in place before its memory is released.
inline void WipeSecret(OptionalWide& secret) {
  if (secret && !secret->empty()) SecureZeroMemory(secret->data(), secret->size() * sizeof(wchar_t));
  secret.reset();
}
