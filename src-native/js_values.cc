#include "js_values.h"

void JsValues::Fail(const std::string& what, const char* expected) const {
  throw Napi::TypeError::New(mEnv, what + " must be " + expected + ". Usage: " + mUsage);
}

Napi::Object JsValues::Object(Napi::Value value, const std::string& what) const {
  if (!value.IsObject() || value.IsArray() || value.IsFunction()) Fail(what, "an object");
  return value.As<Napi::Object>();
}

Napi::Array JsValues::Array(Napi::Value value, const std::string& what) const {
  if (!value.IsArray()) Fail(what, "an array");
  return value.As<Napi::Array>();
}

DWORD JsValues::Uint32(Napi::Value value, const std::string& what) const {
  if (!value.IsNumber()) Fail(what, "a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= 4294967295.0) || number != static_cast<double>(static_cast<DWORD>(number))) {
    Fail(what, "an unsigned 32-bit integer");
  }
  return static_cast<DWORD>(number);
}

bool JsValues::Bool(Napi::Value value, const std::string& what) const {
  if (!value.IsBoolean()) Fail(what, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::wstring JsValues::String(Napi::Value value, const std::string& what) const {
  if (!value.IsString()) Fail(what, "a string");
  std::u16string text = value.As<Napi::String>().Utf16Value();
  if (text.find(u'\0') != std::u16string::npos) Fail(what, "a string without NUL characters");
  return std::wstring(text.begin(), text.end());
}

OptionalWide JsValues::OptString(Napi::Value value, const std::string& what) const {
  if (IsAbsent(value)) return std::nullopt;
  return String(value, what);
}

std::vector<std::wstring> JsValues::StringArray(Napi::Value value, const std::string& what) const {
  Napi::Array array = Array(value, what);
  std::vector<std::wstring> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    out.push_back(String(array.Get(i), what + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::vector<uint8_t> JsValues::Bytes(Napi::Value value, const std::string& what) const {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Fail(what, "a Uint8Array");
  }
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ElementLength());
}
