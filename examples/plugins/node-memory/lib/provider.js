'use strict';
// The Provider service: metadata, schema, settings, identity, planning and batch read.
const os = require('node:os');
const path = require('node:path');
const errors = require('./errors');
const { KINDS, KIND_BY_ENUM, readOne, parseCidr } = require('./resources');

const NAME = 'memory-node';
const VERSION = '0.1.0';
const DEFAULT_REGION = 'memory-1';
const READ_PAGE_SIZE = 500;

const attr = (name, type, description, extra = {}) => ({ name, type, description, ...extra });

const KIND_SCHEMAS = [
  { kind: 'RESOURCE_KIND_NETWORK', attributes: [
    attr('id', 'string', 'network id', { computed: true }),
    attr('name', 'string', 'network name'),
    attr('cidr', 'string', 'IPv4 range, e.g. 10.0.0.0/16', { required: true, force_new: true }),
    attr('subnet_ids', 'list', 'subnets inside the network', { computed: true }),
    attr('tags', 'map', 'labels'),
  ] },
  { kind: 'RESOURCE_KIND_SUBNET', attributes: [
    attr('id', 'string', 'subnet id', { computed: true }),
    attr('name', 'string', 'subnet name'),
    attr('network_id', 'string', 'the network it is carved from', { required: true, force_new: true }),
    attr('cidr', 'string', "IPv4 range inside the network's", { required: true, force_new: true }),
    attr('public', 'bool', 'addresses are reachable from outside'),
    attr('zone', 'string', 'zone; default <region>a', { force_new: true }),
    attr('available_ips', 'int', 'free addresses', { computed: true }),
    attr('tags', 'map', 'labels'),
  ] },
  { kind: 'RESOURCE_KIND_BUCKET', attributes: [
    attr('id', 'string', 'bucket id (its name)', { computed: true }),
    attr('name', 'string', 'globally unique bucket name', { required: true, force_new: true }),
    attr('versioning', 'bool', 'keep object versions'),
    attr('encryption', 'bool', 'encrypt at rest'),
    attr('public_access', 'bool', 'objects are public'),
    attr('lifecycle', 'object', 'expiry rules'),
    attr('website', 'object', 'static website settings'),
    attr('endpoint', 'string', 'URL of the objects', { computed: true }),
    attr('tags', 'map', 'labels'),
  ] },
];

const ROOT_SETTING = attr('root', 'string',
  'directory holding store.json (relative paths resolve against the config directory); ' +
  'default <working_dir>/.genesys/memory-node');

function stringSetting(settings, key) {
  const value = settings && settings.fields && settings.fields[key];
  if (!value) return null;
  if (value.kind !== 'string_value') {
    throw errors.invalidArgument(`setting '${key}' must be a string`, `settings.${key}`);
  }
  return value.string_value;
}

function storeDirectory(request) {
  const root = stringSetting(request.settings, 'root');
  const base = request.working_dir || process.cwd();
  if (root) return path.resolve(base, root);
  return request.working_dir ? path.join(request.working_dir, '.genesys', NAME) : null;
}

function configDiagnostics(request) {
  const diagnostics = [];
  const known = new Set([ROOT_SETTING.name]);
  for (const key of Object.keys((request.settings && request.settings.fields) || {})) {
    if (!known.has(key)) {
      diagnostics.push({ severity: 'SEVERITY_WARNING', summary: `unknown setting '${key}' is ignored`,
        attribute_path: `settings.${key}`, index: -1 });
    }
  }
  try {
    stringSetting(request.settings, 'root');
  } catch (error) {
    diagnostics.push({ severity: 'SEVERITY_ERROR', summary: error.message,
      attribute_path: 'settings.root', index: -1 });
  }
  return diagnostics;
}

/** Problems create would refuse, found without side effects (for Validate and Plan). */
function resourceDiagnostics(resource, index) {
  const field = resource && resource.body;
  const body = field && resource[field];
  const error = (summary, attributePath) =>
    [{ severity: 'SEVERITY_ERROR', summary, attribute_path: attributePath, index }];
  if (!KINDS.some((kind) => kind.field === field)) {
    return error(`provider '${NAME}' cannot provide a ${field || 'resource of unknown kind'}`, '');
  }
  if ((field === 'network' || field === 'subnet') && body.cidr && !parseCidr(body.cidr)) {
    return error(`'${body.cidr}' is not an IPv4 CIDR block such as 10.0.0.0/16`, 'cidr');
  }
  return [];
}

function requiresReplace(item) {
  const field = item.desired && item.desired.body;
  const prior = item.prior && item.prior[field];
  if (!field || !prior) return [];
  const kind = KINDS.find((k) => k.field === field);
  if (!kind) return [];
  const desired = item.desired[field];
  const unknown = new Set(item.unknown_attributes);
  return kind.forceNew.filter((name) => unknown.has(name)
    || (desired[name] !== '' && desired[name] !== prior[name]));
}

function planOne(item, index) {
  return {
    index, translated: item.desired, requires_replace: requiresReplace(item),
    diagnostics: resourceDiagnostics(item.desired, index),
    cost: { monthly_usd: 0, hourly_usd: 0, components: ['memory-node resources are free'] },
  };
}

function* readPages(context, refs) {
  for (let start = 0; start < refs.length; start += READ_PAGE_SIZE) {
    const page = refs.slice(start, start + READ_PAGE_SIZE);
    yield { results: page.map((ref, offset) => readOne(context, ref, start + offset)) };
  }
}

/** Handlers of genesys.provider.v1.Provider; `lifecycle.shutdown()` stops the process. */
function providerHandlers(context, lifecycle) {
  return {
    unary: {
      GetMetadata: () => ({
        name: NAME, version: VERSION, protocol_version: context.protocolVersion,
        capabilities: KINDS.map((kind) => kind.kind), max_parallelism: 8,
        description: 'In-memory networks, subnets and buckets (a Node.js example plugin)',
      }),
      GetSchema: () => ({ provider_settings: [ROOT_SETTING], kinds: KIND_SCHEMAS }),
      ValidateProviderConfig: (request) => ({ diagnostics: configDiagnostics(request) }),
      Configure: (request) => configure(context, request),
      Authenticate: () => ({
        account_id: 'memory-node', project_id: context.project, region: context.region,
        principal: os.userInfo().username,
      }),
      ValidateResources: (request) => ({
        diagnostics: request.resources.flatMap((resource, index) => resourceDiagnostics(resource, index)),
      }),
      PlanResources: (request) => ({ resources: request.items.map(planOne) }),
      Shutdown: () => {
        setImmediate(() => lifecycle.shutdown('Shutdown RPC'));
        return {};
      },
    },
    streams: { ReadResources: (request) => readPages(context, request.refs) },
  };
}

function configure(context, request) {
  const directory = storeDirectory(request);  // throws INVALID_ARGUMENT on a bad root
  context.region = request.region || DEFAULT_REGION;
  context.project = request.project || '';
  context.providerData = { fields: { backend: { string_value: `${NAME} ${VERSION}` } } };
  if (directory) context.store.open(directory);
  context.log.info('configured', { region: context.region, store: directory || '(memory only)' });
  return { diagnostics: configDiagnostics(request).filter((d) => d.severity !== 'SEVERITY_ERROR') };
}

module.exports = { NAME, VERSION, DEFAULT_REGION, providerHandlers, KIND_BY_ENUM };
