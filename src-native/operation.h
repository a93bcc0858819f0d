// One shape for every SCM operation, run on a libuv worker with a Promise and, where the
// TypeScript layer has a ...Sync twin, also on the calling thread (the ...Sync functions). An operation is a struct with:
//   Op(const Napi::CallbackInfo&)  - reads and type-checks arguments (main thread, may throw TypeError)
//   void Execute()                 - Win32 work only, no N-API (any thread); throws Win32Exception
//   Napi::Value Result(Napi::Env)  - converts the outcome to JS (main thread)
// Errors are captured as Win32Failure where they happen and become JS errors on the main thread.
#pragma once
#include <napi.h>
#include "win32_error.h"

// An operation may attach more to its error (a control's last known status): detected here.
template <typename Op>
auto DecorateError(Op& op, Napi::Env env, Napi::Error& error, int) -> decltype(op.DecorateError(env, error), void()) {
  op.DecorateError(env, error);
}
template <typename Op>
void DecorateError(Op&, Napi::Env, Napi::Error&, long) {}

template <typename Op>
Napi::Error MakeOperationError(Op& op, Napi::Env env, const Win32Failure& failure) {
  Napi::Error error = MakeWin32Error(env, failure);
  DecorateError(op, env, error, 0);
  return error;
}

template <typename Op>
class OperationWorker : public Napi::AsyncWorker {
 public:
  OperationWorker(Napi::Env env, Op&& op)
      : Napi::AsyncWorker(env, "scm-native"), mOp(std::move(op)), mDeferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return mDeferred.Promise(); }

 protected:
  void Execute() override {
    try {
      mOp.Execute();
    } catch (const Win32Exception& e) {
      mFailure = e.failure;
    } catch (const std::bad_alloc&) {
      mFailure = Win32Failure{ERROR_NOT_ENOUGH_MEMORY, "operator new"};
    } catch (const std::exception&) {
      mFailure = Win32Failure{ERROR_INTERNAL_ERROR, "scm-native"};
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (mFailure.Failed()) {
      mDeferred.Reject(MakeOperationError(mOp, env, mFailure).Value());
      return;
    }
    try {
      mDeferred.Resolve(mOp.Result(env));
    } catch (const Napi::Error& e) {
      mDeferred.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { mDeferred.Reject(e.Value()); }

 private:
  Op mOp;
  Win32Failure mFailure;
  Napi::Promise::Deferred mDeferred;
};

template <typename Op>
Napi::Value RunSync(const Napi::CallbackInfo& info) {
  Op op(info);
  try {
    op.Execute();
  } catch (const Win32Exception& e) {
    throw MakeOperationError(op, info.Env(), e.failure);
  }
  return op.Result(info.Env());
}

template <typename Op>
Napi::Value RunAsync(const Napi::CallbackInfo& info) {
  auto* worker = new OperationWorker<Op>(info.Env(), Op(info));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// Exports `name` (Promise, off the main thread).
template <typename Op>
void RegisterOp(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, RunAsync<Op>, name));
}

// Exports `name` and its twin `nameSync` (on the calling thread), for the few operations that
// lib/ (or a test) also calls synchronously.
template <typename Op>
void RegisterOpWithSync(Napi::Env env, Napi::Object exports, const char* name) {
  RegisterOp<Op>(env, exports, name);
  exports.Set(std::string(name) + "Sync", Napi::Function::New(env, RunSync<Op>, std::string(name) + "Sync"));
}
