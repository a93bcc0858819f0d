/**
 * scm-native: the Windows Service Control Manager for Node.js.
 * Function names follow Tcl TWAPI's services module in camelCase.
 */
import type { Io } from './cli/output';

export { ScmError, win32ErrorName } from './errors/scm-error';
export type { ScmErrorInit } from './errors/scm-error';
export type { StandardOptions } from './validation';
export { quoteCommandLine, parseCommandLine } from './command-line';
export { listProcesses, terminateProcess } from './process-table';
export type { ProcessEntry, TerminateOptions } from './process-table';
export {
  ACCEPTED_CONTROLS, ERROR_CONTROLS, SERVICE_STATES, SERVICE_TYPES, START_TYPES,
} from './services/tokens';
export type { ErrorControl, ServiceState, ServiceType, StartType } from './services/tokens';
export type { ServiceStatus, ServiceStatusWithDisplayName } from './services/status-record';
export {
  getMultipleServiceStatus, getMultipleServiceStatusSync, getServiceDisplayName, getServiceDisplayNameSync,
  getServiceInternalName, getServiceInternalNameSync, getServiceState, getServiceStateSync, getServiceStatus,
  getServiceStatusSync, serviceExists, serviceExistsSync, getDependentServiceStatus, getDependentServiceStatusSync,
} from './services/query';
export type { DependentStatusOptions, MultipleStatusOptions } from './services/query';
export { createService, deleteService } from './services/lifecycle';
export type { CreateServiceOptions, ServiceCommand } from './services/lifecycle';
export {
  CONFIGURATION_FIELDS, getServiceConfiguration, getServiceConfigurationSync, setServiceConfiguration,
} from './services/configuration';
export type {
  ConfigurationField, GetConfigurationOptions, ServiceConfiguration, ServiceConfigurationChanges,
} from './services/configuration';
export { FAILURE_ACTION_TYPES, INFINITE_RESET_PERIOD, LAUNCH_PROTECTED, SID_TYPES } from './services/config2';
export type {
  FailureAction, FailureActions, FailureActionType, LaunchProtected, OptionalSettings, OptionalSettingsRecord, SidType,
} from './services/config2';
export { TRIGGER_ACTIONS, TRIGGER_DATA_TYPES, TRIGGER_SUBTYPES, TRIGGER_TYPES } from './services/triggers';
export type {
  ServiceTrigger, ServiceTriggerRecord, TriggerAction, TriggerDataItem, TriggerDataType, TriggerSubtype, TriggerType,
} from './services/triggers';
export { getServiceSecurity, setServiceSecurity } from './services/security';
export type { GetSecurityOptions, SetSecurityOptions } from './services/security';
export {
  continueService, controlService, interrogateService, pauseService, startService, stopService, waitForServiceState,
} from './services/control';
export { ServiceWatcher, ServicesWatcher, watchService, watchServices } from './services/watch';
export type { ServiceDatabaseChange } from './services/watch';
export type { StartServiceOptions, StopServiceOptions, WaitForStateOptions, WaitOptions, WaitResult } from './services/control';
export { restartService } from './services/restart';
export { getAccountRights, grantAccountRight, SERVICE_LOGON_RIGHT } from './services/account-rights';
export { needsServiceLogonRight } from './services/logon-right-check';
export type { AccountRightsOptions } from './services/account-rights';
export type { RestartServiceOptions } from './services/restart';
export { runAsService, updateServiceStatus, isRunningAsService, sendDebugControl } from './as-service/run-as-service';
export type { RunAsServiceOptions, UpdateStatusOptions } from './as-service/run-as-service';
export type { ServiceHandler } from './as-service/service-host';
export type { AcceptedControl, ServiceControl } from './as-service/controls';
export { reportEvent, installEventSource, removeEventSource } from './as-service/event-log';
export type { EventType, ReportEventOptions, EventSourceOptions } from './as-service/event-log';
export type { LogFollower } from './host/log-follower';
export { notifyServiceReady, requestProgramRestart } from './host/program-messages';
export {
  getProgramServiceStatus, installProgramService, listProgramServices, plannedProgramSettings, removeProgramService, updateProgramService,
} from './host/manage';
export { upgradeProgramServices } from './host/upgrade';
export type { UpgradeResult } from './host/upgrade';
export { followProgramServiceLog, programServiceLogFile, readProgramServiceLog, rotateProgramServiceLog } from './host/service-logs';
export type { ProgramLogOptions } from './host/service-logs';
export type {
  InstallResult, ListOptions, ProgramChange, ProgramServiceStatus, ProgramServiceSummary, RemoveOptions, RemoveResult,
} from './host/manage';
export type { ProgramServiceOptions, Startup } from './host/program-service-options';
export { runHost } from './host/host';
export type { HostOptions } from './host/host';
export type { HostSettings, PriorityClass, ProgramKind, RestartPolicy, StopMethod } from './host/settings';
/**
 * Runs the CLI with `argv` (without node and the script) and resolves with the exit code.
 * Output goes to `io` (process streams by default).
 */
export function runCli(argv: readonly string[], ioOverride?: Partial<Io>): Promise<number> {
  // Required on first call, not imported: the CLI (and the YAML/TOML parsers, the watch code it
  // brings) stays unloaded for library users. The signature is cli/main's; a unit test compares them.
  const cli = require('./cli/main') as typeof import('./cli/main');
  return cli.runCli(argv, ioOverride);
}
export { Service, DEFAULT_TIMEOUT_MS } from './declarative/service';
export type {
  AdjustAction, AdjustResult, CheckResult, CommandOptions, ExpectedState, LsbStatus, RestartMode, ServiceBackend, ServiceDeclaration,
} from './declarative/service';
export { splitCommand } from './declarative/command-split';
export type { CommandDeclaration, CommandText, StopSignal } from './declarative/command-service';
export type { CommandRun } from './declarative/command-run';
export { LSB, LSB_MEANINGS } from './declarative/lsb';
export type { LsbCode } from './declarative/lsb';
export { loadServicesFile, parseServicesFile, ServicesFileError } from './declarative/services-file';
export type { DeclaredExpectation, DeclaredService, HostedDeclaration, ServicesFile, ServicesFileFormat } from './declarative/services-file';
export { applyServices, checkServices } from './declarative/apply';
export type { ApplyEvent, ApplyOutcome, ApplyServicesOptions, ApplyStep, CheckServicesOptions, ServiceReport } from './declarative/apply';
