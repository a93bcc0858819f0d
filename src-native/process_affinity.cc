// The processors a process may run on (its affinity): the service host restricts its program to
// the processors its settings name. Node has no API for it.
#include <windows.h>
#include <vector>
#include "args.h"
#include "operations.h"
#include "unique_handle.h"
#include "win32_error.h"

namespace {

constexpr int kMaskBits = static_cast<int>(sizeof(DWORD_PTR) * 8);

// Processor numbers (0-63, whole) as an affinity mask; RangeError otherwise.
DWORD_PTR MaskOf(Napi::Env env, const std::vector<double>& cpus) {
  DWORD_PTR mask = 0;
  for (double n : cpus) {
    if (n < 0 || n >= static_cast<double>(kMaskBits) || n != static_cast<double>(static_cast<int>(n))) {
      throw Napi::RangeError::New(env, "a processor number must be a whole number from 0 to 63");
    }
    mask |= static_cast<DWORD_PTR>(1) << static_cast<int>(n);
  }
  if (mask == 0) throw Napi::RangeError::New(env, "cpus must name at least one processor");
  return mask;
}

Napi::Array ProcessorsOf(Napi::Env env, DWORD_PTR mask) {
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (int cpu = 0; cpu < kMaskBits; ++cpu) {
    if (mask & (static_cast<DWORD_PTR>(1) << cpu)) out.Set(n++, Napi::Number::New(env, cpu));
  }
  return out;
}

// setProcessAffinity(pid, cpus[]): restricts a process (the hosted program) to the given logical
// processors of its processor group (0-63).
Napi::Value SetProcessAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "setProcessAffinity(pid, cpus)");
  DWORD pid = args.Uint32(0);
  DWORD_PTR mask = MaskOf(env, args.NumberArray(1));
  UniqueHandle process(OpenProcess(PROCESS_SET_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
  if (!process) throw MakeWin32Error(env, Win32Failure{GetLastError(), "OpenProcess"});
  if (!SetProcessAffinityMask(process.Get(), mask)) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "SetProcessAffinityMask"});
  }
  return env.Undefined();
}

// getProcessAffinity(pid) -> { process: number[], system: number[] }: the processors a process
// may run on, and those the system has.
Napi::Value GetProcessAffinity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Args args(info, "getProcessAffinity(pid)");
  DWORD pid = args.Uint32(0);
  UniqueHandle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
  if (!process) throw MakeWin32Error(env, Win32Failure{GetLastError(), "OpenProcess"});
  DWORD_PTR processMask = 0;
  DWORD_PTR systemMask = 0;
  if (!GetProcessAffinityMask(process.Get(), &processMask, &systemMask)) {
    throw MakeWin32Error(env, Win32Failure{GetLastError(), "GetProcessAffinityMask"});
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("process", ProcessorsOf(env, processMask));
  out.Set("system", ProcessorsOf(env, systemMask));
  return out;
}

}  // namespace

void RegisterProcessAffinity(Napi::Env env, Napi::Object exports) {
  exports.Set("setProcessAffinity", Napi::Function::New(env, SetProcessAffinity, "setProcessAffinity"));
  exports.Set("getProcessAffinity", Napi::Function::New(env, GetProcessAffinity, "getProcessAffinity"));
}
