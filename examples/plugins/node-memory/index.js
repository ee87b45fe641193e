'use strict';
// genesys-provider-memory-node: a Genesys provider plugin in Node.js, written from
// docs/plugin-protocol.md and the .proto files alone. This file is the plugin lifecycle:
// cookie, version negotiation, mTLS, socket, handshake line, watchers and stopping.
const fs = require('node:fs');

// Before anything else: stdout is reserved for the one handshake line. Every other write to
// process.stdout (a library's console.log) goes to stderr, and fd 1 is never wrapped by node.
Object.defineProperty(process, 'stdout', { get: () => process.stderr });

const COOKIE = '5b1c6e0f9a7d4e38-genesys-provider-plugin';
const OUR_PROTOCOL_VERSIONS = [1];
const env = process.env;
const debugMode = env.GENESYS_PLUGIN_DEBUG === '1';

function refuse(message, stdoutLine) {
  if (stdoutLine) fs.writeSync(1, stdoutLine + '\n');
  fs.writeSync(2, message + '\n');
  process.exit(1);
}

function negotiateVersion() {
  const raw = env.GENESYS_PLUGIN_PROTOCOL_VERSIONS ?? (debugMode ? '1' : '');
  const parts = raw.split(',').map((part) => part.trim());
  if (!parts.every((part) => /^\d+$/.test(part))) {
    refuse(`GENESYS_PLUGIN_PROTOCOL_VERSIONS='${raw}' is not a comma-separated list of integers`);
  }
  const common = parts.map(Number).filter((v) => OUR_PROTOCOL_VERSIONS.includes(v));
  if (common.length === 0) {
    refuse(`no common protocol version: the core speaks [${parts}], this plugin ${OUR_PROTOCOL_VERSIONS}`,
      `GENESYS-PLUGIN-ERROR|unsupported-protocol-versions|${OUR_PROTOCOL_VERSIONS.join(',')}`);
  }
  return Math.max(...common);
}

function checkEnvironment() {
  if (env.GENESYS_PLUGIN_MAGIC_COOKIE !== COOKIE && !debugMode) {
    refuse('This binary is a plugin; run it through genesys.');
  }
  const protocolVersion = negotiateVersion();
  const insecure = debugMode || env.GENESYS_PLUGIN_INSECURE === '1';
  const clientCertPem = env.GENESYS_PLUGIN_CLIENT_CERT || '';
  if (!insecure) {
    if (!clientCertPem) {
      refuse('GENESYS_PLUGIN_CLIENT_CERT is not set: refusing to serve without TLS ' +
        '(set GENESYS_PLUGIN_INSECURE=1 only for development)');
    }
    try {
      new (require('node:crypto').X509Certificate)(clientCertPem);
    } catch (error) {
      refuse(`GENESYS_PLUGIN_CLIENT_CERT is not a PEM certificate: ${error.message}`);
    }
  }
  return { protocolVersion, insecure, clientCertPem };
}

const settings = checkEnvironment();
require('./lib/lifecycle').run({ ...settings, debugMode }).catch((error) => {
  fs.writeSync(2, `memory-node failed to start: ${error && error.stack || error}\n`);
  process.exit(1);
});
