#!/usr/bin/env node
'use strict';
// The scm-native command: run any program as a Windows service. See `scm-native help`.
require('../dist/cli/main.js').main();
