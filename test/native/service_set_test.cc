// Unit tests of src-native/service_set.h (the recovery of watchServices from
// ERROR_SERVICE_NOTIFY_CLIENT_LAGGING), plain C++: built with the host's g++ and run by
// test/unit/native-handshake.test.js. Prints one line per failed check; exit 1 if any.
#include "../../src-native/service_set.h"
#include <cstdio>
#include "check.h"

namespace {


using Names = std::vector<std::wstring>;

void NothingChangedMeansNoEvents() {
  KnownServices k;
  k.Reset({L"Alpha", L"Beta", L"Gamma"});
  ServiceSetChanges c = k.Resync({L"Gamma", L"Alpha", L"Beta"});
  Check(c.created.empty() && c.deleted.empty(), "the same services in another order: no events");
}

void ChangesWhileLaggingAreFound() {
  KnownServices k;
  k.Reset({L"Alpha", L"Beta", L"Gamma"});
  ServiceSetChanges c = k.Resync({L"Alpha", L"Gamma", L"Delta", L"Epsilon"});
  Check(c.created == Names{L"Delta", L"Epsilon"}, "created: the new ones only");
  Check(c.deleted == Names{L"Beta"}, "deleted: the gone one only");
  Check(k.Contains(L"Delta") && !k.Contains(L"Beta") && k.Size() == 4, "the fresh list is the known one");
  ServiceSetChanges again = k.Resync({L"Alpha", L"Gamma", L"Delta", L"Epsilon"});
  Check(again.created.empty() && again.deleted.empty(), "a second resync with no change: no events");
}

void NamesCompareWithoutCase() {
  KnownServices k;
  k.Reset({L"MyService"});
  ServiceSetChanges c = k.Resync({L"myservice"});
  Check(c.created.empty() && c.deleted.empty(), "a name in other case is the same service");
  Check(!k.Created(L"MYSERVICE"), "a notification for it in other case is no news");
}

void NotificationsKeepTheSetCurrent() {
  KnownServices k;
  k.Reset({L"Alpha"});
  Check(k.Created(L"Beta"), "a new service is news");
  Check(!k.Created(L"Beta"), "reported twice, it is news once");
  Check(k.Deleted(L"Alpha"), "a known service deleted is news");
  Check(!k.Deleted(L"Alpha"), "deleted twice, news once");
  ServiceSetChanges c = k.Resync({L"Beta"});
  Check(c.created.empty() && c.deleted.empty(), "what the notifications said is not repeated by a resync");
}

void NotificationAfterResyncIsNotRepeated() {
  // The re-registration is made before the enumeration, so a service created in between is in
  // both: the resync reports it, and the notification that follows is not news.
  KnownServices k;
  k.Reset({L"Alpha"});
  ServiceSetChanges c = k.Resync({L"Alpha", L"Late"});
  Check(c.created == Names{L"Late"}, "the resync reports the late service");
  Check(!k.Created(L"Late"), "its notification is then no news");
  Check(k.Deleted(L"Late"), "its deletion later is news");
}

void EmptyDatabases() {
  KnownServices k;
  k.Reset({});
  ServiceSetChanges c = k.Resync({L"Only"});
  Check(c.created == Names{L"Only"} && c.deleted.empty(), "from none to one");
  c = k.Resync({});
  Check(c.deleted == Names{L"Only"} && c.created.empty(), "from one to none");
}

}  // namespace

int main() {
  NothingChangedMeansNoEvents();
  ChangesWhileLaggingAreFound();
  NamesCompareWithoutCase();
  NotificationsKeepTheSetCurrent();
  NotificationAfterResyncIsNotRepeated();
  EmptyDatabases();
  return Finish();
}
