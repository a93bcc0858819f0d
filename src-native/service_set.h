// The services a database watcher (watchServices) knows to exist: what it enumerated when it
// started, kept current with every created/deleted event it emitted. Plain C++ with no Win32, so
// its own tests (test/native/service_set_test.cc) build and run with the host's g++.
//
// It serves the recovery from ERROR_SERVICE_NOTIFY_CLIENT_LAGGING: the SCM dropped notifications,
// so the watcher closes its SCM handle, opens a new one, registers again and enumerates; Resync()
// then gives exactly the services created and deleted meanwhile (nothing for a service that existed
// all along). Notifications are passed through Created()/Deleted(), which say whether the event is
// news: a registration made before the enumeration can report a change the enumeration already
// showed, and that must not be emitted twice.
#pragma once
#include <map>
#include <string>
#include <vector>

struct ServiceSetChanges {
  std::vector<std::wstring> created;
  std::vector<std::wstring> deleted;
};

class KnownServices {
 public:
  // The first enumeration: nothing is emitted for it.
  void Reset(const std::vector<std::wstring>& names) {
    mNames.clear();
    for (const auto& name : names) mNames[Key(name)] = name;
  }

  // A fresh enumeration after notifications were lost: what changed since, in name order, and
  // the fresh list becomes the known one. A service deleted and re-created under the same name
  // in between shows in neither list (the enumeration cannot tell).
  ServiceSetChanges Resync(const std::vector<std::wstring>& names) {
    std::map<std::wstring, std::wstring> fresh;
    for (const auto& name : names) fresh[Key(name)] = name;
    ServiceSetChanges changes;
    for (const auto& [key, name] : mNames) {
      if (fresh.count(key) == 0) changes.deleted.push_back(name);
    }
    for (const auto& [key, name] : fresh) {
      if (mNames.count(key) == 0) changes.created.push_back(name);
    }
    mNames = std::move(fresh);
    return changes;
  }

  // A notification's created/deleted name: true when it is news (then emit it), false when the
  // known set already says so.
  bool Created(const std::wstring& name) { return mNames.emplace(Key(name), name).second; }
  bool Deleted(const std::wstring& name) { return mNames.erase(Key(name)) != 0; }

  bool Contains(const std::wstring& name) const { return mNames.count(Key(name)) != 0; }
  size_t Size() const { return mNames.size(); }

 private:
  // Service names compare without regard to case, as the SCM compares them (ASCII folding: the
  // SCM's own comparison of non-ASCII letters is not reproduced here).
  static std::wstring Key(const std::wstring& name) {
    std::wstring key = name;
    for (auto& c : key) {
      if (c >= L'A' && c <= L'Z') c = static_cast<wchar_t>(c - L'A' + L'a');
    }
    return key;
  }

  std::map<std::wstring, std::wstring> mNames;  // folded key -> name as the SCM spells it
};
