// The records the addon (src-native/) takes and returns: raw numbers and strings, as Win32 has
// them. Plain data types only, importing nothing, so that lib/services and lib/errors can name them
// without depending on the binding itself (which imports both).

/** SERVICE_STATUS_PROCESS as the addon returns it: raw numbers. @internal */
export interface RawStatus {
  serviceType: number;
  currentState: number;
  controlsAccepted: number;
  win32ExitCode: number;
  serviceSpecificExitCode: number;
  checkPoint: number;
  waitHint: number;
  processId: number;
  serviceFlags: number;
}

/** ENUM_SERVICE_STATUS_PROCESSW. @internal */
export interface RawEnumEntry extends RawStatus {
  name: string;
  displayName: string;
}

/** @internal */
export interface RawWaitResult {
  outcome: 'reached' | 'timeout' | 'cancelled' | 'deleted';
  status: RawStatus | null;
}

/** QUERY_SERVICE_CONFIGW. @internal */
export interface RawCoreConfig {
  serviceType: number;
  startType: number;
  errorControl: number;
  binaryPath: string | null;
  loadOrderGroup: string | null;
  tagId: number;
  dependencies: string[];
  account: string | null;
  displayName: string | null;
}

/** What queryConfig returns: the core configuration when asked, and each level it could read, by level number. @internal */
export interface RawConfigResult {
  core?: RawCoreConfig;
  levels: Record<number, unknown>;
}

/** ChangeServiceConfigW arguments; null leaves a value unchanged. @internal */
export interface RawCoreChanges {
  serviceType: number | null;
  interactive: boolean | null;
  startType: number | null;
  errorControl: number | null;
  binaryPath: string | null;
  loadOrderGroup: string | null;
  dependencies: string[] | null;
  account: string | null;
  password: string | null;
  displayName: string | null;
}

/** One ChangeServiceConfig2W level (see src-native/config2.h for the value of each level). @internal */
export interface RawConfig2Change {
  level: number;
  value: unknown;
}

/** SERVICE_FAILURE_ACTIONSW; null strings / actions mean "unchanged" when writing, "unset" when read. @internal */
export interface RawFailureActions {
  resetPeriod: number;
  rebootMessage: string | null;
  command: string | null;
  actions: { type: number; delay: number }[] | null;
}

/** SERVICE_TRIGGER_SPECIFIC_DATA_ITEM. @internal */
export interface RawTriggerData {
  type: number;
  bytes: Uint8Array;
}

/** SERVICE_TRIGGER: the subtype is a GUID's 16 bytes in memory order. @internal */
export interface RawTrigger {
  type: number;
  action: number;
  subtype: Uint8Array | null;
  data: RawTriggerData[];
}

/** What a watcher thread reports. @internal */
export interface RawWatchEvent {
  kind: 'status' | 'deleted' | 'created' | 'removed' | 'resynced' | 'error' | 'closed';
  status?: RawStatus;
  name?: string;
  error?: Error;
}

/** What the service dispatcher thread reports to JS. @internal */
export interface DispatcherEvent {
  kind: 'control' | 'exit';
  service: string;
  seq: number;
  control: number;
  eventType: number;
  sessionId?: number;
  needsReply: boolean;
  args: string[];
  error?: Error;
}

/** An ACE of a file's DACL: AceType, AceFlags, the access mask and the trustee's SID. @internal */
export interface RawAce {
  type: number;
  flags: number;
  mask: number;
  sid: string;
}

/** A file's owner SID and DACL (null: a NULL DACL, which grants everyone everything). @internal */
export interface RawFileSecurity {
  owner: string | null;
  protected: boolean;
  dacl: RawAce[] | null;
}

/** One row of listProcesses (src-native/process_table.cc). @internal */
export interface RawProcess {
  pid: number;
  parentPid: number;
  exeName: string;
  image: string | null;
  commandLine: string | null;
  createdMs: number | null;
  /** The Win32 (or NTSTATUS) code of the first refused call, 0 when none. */
  error: number;
  errorCall: string | null;
}
