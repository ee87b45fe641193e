'use strict';
// JSON log lines on stderr, as docs/plugin-protocol.md "stdout and stderr" describes.
const fs = require('node:fs');

const LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

function minimumLevel() {
  const wanted = (process.env.GENESYS_PLUGIN_LOG_LEVEL || 'info').toLowerCase();
  return LEVELS[wanted] ?? LEVELS.info;
}

function write(level, logger, msg, fields = {}) {
  if (LEVELS[level] < minimumLevel()) return;
  const entry = { ts: new Date().toISOString(), level, logger, msg, ...fields };
  // writeSync: a log line must reach the core even if we exit right after.
  fs.writeSync(2, JSON.stringify(entry) + '\n');
}

function getLogger(name) {
  return {
    debug: (msg, fields) => write('debug', name, msg, fields),
    info: (msg, fields) => write('info', name, msg, fields),
    warning: (msg, fields) => write('warning', name, msg, fields),
    error: (msg, fields) => write('error', name, msg, fields),
  };
}

module.exports = { getLogger };
