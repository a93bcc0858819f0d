#!/usr/bin/env node
'use strict';
// The scm-native command: run any program as a Windows service. See `scm-native help`.
// Fleets (--system, --hosts-file): a remote OpenSCManagerW whose host does not answer holds a libuv
// pool thread until Windows' RPC gives up (21 s over TCP, then named pipes); more threads than
// libuv's 4 keep the other hosts, and fs and dns, from queuing behind it. Set before the pool
// starts, and only then (the programs other commands run inherit this environment).
const remote = process.argv.slice(2).some((a) => /^--(system|hosts-file)(=|$)/.test(a));
if (remote && !process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '16';
require('../dist/cli/main.js').main();
