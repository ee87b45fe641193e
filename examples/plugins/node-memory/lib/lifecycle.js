'use strict';
// Serving and stopping: socket in a private directory, mTLS, handshake line, stdin-EOF and
// parent watchers, Shutdown/SIGTERM with a bounded grace.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const { loadServiceDefinitions } = require('./protos');
const { wrapAll, Health, newServer, bind } = require('./server');
const { makeServerCertificate } = require('./tls');
const { providerHandlers, NAME, DEFAULT_REGION } = require('./provider');
const { KINDS, kindHandlers } = require('./resources');
const { Store } = require('./store');
const { getLogger } = require('./log');

const SHUTDOWN_GRACE_MS = 5000;
const CORE_GONE_GRACE_MS = 1000;
const MAX_SOCKET_PATH_BYTES = 100;
const SERVICE_PREFIX = 'genesys.provider.v1.';

function resourceServices(context) {
  const byService = { NetworkService: { unary: {}, streams: {} }, StorageService: { unary: {}, streams: {} } };
  for (const kind of KINDS) {
    const target = byService[kind.field === 'bucket' ? 'StorageService' : 'NetworkService'];
    const handlers = kindHandlers(kind, context);
    Object.assign(target.unary, handlers.unary);
    Object.assign(target.streams, handlers.streams);
  }
  return byService;
}

function credentials(settings, certificate) {
  if (settings.insecure) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    Buffer.from(settings.clientCertPem),  // the only root a client certificate may chain to
    [{ private_key: Buffer.from(certificate.keyPem), cert_chain: Buffer.from(certificate.certPem) }],
    true);  // require and verify a client certificate
}

async function listen(server, creds, socketDir) {
  const socketPath = path.join(socketDir, 'plugin.sock');
  const useTcp = process.env.GENESYS_PLUGIN_TRANSPORT === 'tcp' || process.platform === 'win32'
    || Buffer.byteLength(socketPath) >= MAX_SOCKET_PATH_BYTES;
  if (useTcp) {
    const port = await bind(server, '127.0.0.1:0', creds);
    return { network: 'tcp', address: `127.0.0.1:${port}` };
  }
  await bind(server, `unix:${socketPath}`, creds);
  return { network: 'unix', address: socketPath };
}

/** Writes the handshake line, then points fd 1 at /dev/null so nothing else reaches the core. */
function announce(protocolVersion, endpoint, certificate) {
  const cert = certificate ? certificate.certDer.toString('base64').replace(/=+$/, '') : '';
  const line = `1|${protocolVersion}|${endpoint.network}|${endpoint.address}|grpc|${cert}`;
  fs.writeSync(1, line + '\n');
  fs.closeSync(1);
  // open() takes the lowest free descriptor, i.e. 1: a file opened later can never become fd 1.
  fs.openSync('/dev/null', 'w');
  return line;
}

function watchCore(stop) {
  // The core holds our stdin open and never writes: EOF means it is gone.
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => stop('stdin closed (core exited)', CORE_GONE_GRACE_MS));
  process.stdin.on('error', () => stop('stdin error (core exited)', CORE_GONE_GRACE_MS));
  const originalParent = process.ppid;
  const timer = setInterval(() => {
    // process.ppid is live: it becomes the reaper's pid (often 1) once the core is gone.
    if (process.ppid !== originalParent) stop('parent process changed (core exited)', CORE_GONE_GRACE_MS);
  }, 1000);
  timer.unref();
}

function makeStopper(server, health, socketDir, log) {
  let stopping = false;
  process.on('exit', () => fs.rmSync(socketDir, { recursive: true, force: true }));
  return (reason, graceMs = SHUTDOWN_GRACE_MS) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { reason });
    health.markStopping();
    const force = setTimeout(() => { server.forceShutdown(); process.exit(0); }, graceMs);
    server.tryShutdown(() => { clearTimeout(force); process.exit(0); });
  };
}

async function run(settings) {
  const log = getLogger(NAME);
  const definitions = loadServiceDefinitions();
  const certificate = settings.insecure ? null : await makeServerCertificate(`genesys-plugin-${NAME}`);
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genesys-plugin-'));  // mode 0700
  const context = { log, store: new Store(), protocolVersion: settings.protocolVersion,
    region: DEFAULT_REGION, project: '', providerData: null };
  const server = newServer();
  const served = ['Provider', 'NetworkService', 'StorageService'].map((name) => SERVICE_PREFIX + name);
  const health = new Health(served);
  const stop = makeStopper(server, health, socketDir, log);
  const resources = resourceServices(context);
  server.addService(definitions.provider, wrapAll(providerHandlers(context, { shutdown: stop }), log));
  server.addService(definitions.network, wrapAll(resources.NetworkService, log));
  server.addService(definitions.storage, wrapAll(resources.StorageService, log));
  server.addService(definitions.health, health.handlers());
  // Signal handlers before the handshake line: the core may send SIGTERM the moment it has
  // read it, and a SIGTERM that meets no handler kills us without removing the socket dir.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', settings.debugMode ? () => stop('SIGINT') : () => {});
  const endpoint = await listen(server, credentials(settings, certificate), socketDir);
  const line = announce(settings.protocolVersion, endpoint, certificate);
  if (settings.debugMode) {
    process.stderr.write(`genesys plugin '${NAME}' is running (debug mode). Attach the core with:\n` +
      `  export GENESYS_REATTACH_PROVIDERS='${JSON.stringify({ [NAME]: line })}'\n`);
  } else {
    watchCore(stop);  // (SIGINT is ignored above: Ctrl-C is the core's to stop us in order)
  }
  log.info('serving', { network: endpoint.network, address: endpoint.address, tls: !settings.insecure });
}

module.exports = { run };
