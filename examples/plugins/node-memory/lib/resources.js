'use strict';
// Networks, subnets and buckets: the three kinds this provider declares. Each kind is a small
// definition (validation, how a record is built) turned into the seven RPCs every kind has.
const { parseCidr, contains, overlaps } = require('./cidr');
const { newId } = require('./store');
const errors = require('./errors');

const PRIVATE_BYTES = Buffer.from(JSON.stringify({ v: 1 }));  // versioned, never secret
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function requireCidr(text, attributePath) {
  const parsed = parseCidr(text);
  if (!parsed) {
    throw errors.invalidArgument(
      `'${text}' is not an IPv4 CIDR block such as 10.0.0.0/16`, attributePath);
  }
  return parsed;
}

const NETWORK = {
  kind: 'RESOURCE_KIND_NETWORK', field: 'network', collection: 'networks', idPrefix: 'net',
  forceNew: ['cidr'], updatable: ['name', 'tags'], filters: ['name'],
  validate(config) {
    requireCidr(config.cidr, 'config.cidr');
  },
  build(config, context) {
    return { id: newId('net'), name: config.name, cidr: config.cidr, tags: config.tags || {},
      provider_data: context.providerData };
  },
  present(record, store) {
    const subnetIds = store.all('subnets').filter((s) => s.network_id === record.id).map((s) => s.id);
    return { ...record, subnet_ids: subnetIds };
  },
  beforeDelete(record, store) {
    if (store.all('subnets').some((s) => s.network_id === record.id)) {
      throw errors.failedPrecondition(`network '${record.id}' still has subnets`);
    }
  },
};

const SUBNET = {
  kind: 'RESOURCE_KIND_SUBNET', field: 'subnet', collection: 'subnets', idPrefix: 'subnet',
  forceNew: ['network_id', 'cidr', 'zone'], updatable: ['name', 'public', 'tags'],
  filters: ['name', 'network_id'],
  validate(config, store) {
    const range = requireCidr(config.cidr, 'config.cidr');
    const network = store.get('networks', config.network_id);
    if (!network) {
      throw errors.invalidArgument(`network '${config.network_id}' does not exist`, 'config.network_id');
    }
    if (!contains(parseCidr(network.cidr), range)) {
      throw errors.invalidArgument(
        `subnet CIDR ${config.cidr} is outside its network's range ${network.cidr}`, 'config.cidr');
    }
    const clash = store.all('subnets').find(
      (s) => s.network_id === network.id && overlaps(parseCidr(s.cidr), range));
    if (clash) {
      throw errors.invalidArgument(
        `subnet CIDR ${config.cidr} overlaps subnet '${clash.id}' (${clash.cidr})`, 'config.cidr');
    }
  },
  build(config, context) {
    const range = parseCidr(config.cidr);
    return {
      id: newId('subnet'), name: config.name, network_id: config.network_id, cidr: config.cidr,
      public: config.public, zone: config.zone || `${context.region}a`,
      // Like most clouds, the first four addresses and the last one are reserved.
      available_ips: Math.max(range.size - 5, 0), tags: config.tags || {},
      provider_data: context.providerData,
    };
  },
  present: (record) => record,
  beforeDelete() {},
};

const BUCKET = {
  kind: 'RESOURCE_KIND_BUCKET', field: 'bucket', collection: 'buckets', idPrefix: 'bucket',
  forceNew: ['name'], updatable: ['versioning', 'encryption', 'public_access', 'lifecycle', 'website', 'tags'],
  filters: ['name'],
  validate(config, store) {
    if (!BUCKET_NAME.test(config.name || '')) {
      throw errors.invalidArgument(
        `bucket name '${config.name}' must be 3-63 characters of a-z, 0-9, '.' and '-'`, 'config.name');
    }
    if (store.get('buckets', config.name)) {
      throw errors.alreadyExists(`bucket name '${config.name}' is taken`);
    }
  },
  build(config, context) {
    return {
      id: config.name, name: config.name, region: context.region, versioning: config.versioning,
      encryption: config.encryption, encryption_algorithm: config.encryption ? 'AES256' : '',
      public_access: config.public_access, lifecycle: config.lifecycle, website: config.website,
      endpoint: `memory://${config.name}`, tags: config.tags || {},
      provider_data: context.providerData,
    };
  },
  present: (record) => record,
  beforeDelete() {},
};

const KINDS = [NETWORK, SUBNET, BUCKET];
const KIND_BY_ENUM = Object.fromEntries(KINDS.map((kind) => [kind.kind, kind]));

/** The resource message for a stored record (the token is ours, not part of the message). */
function toMessage(kind, record, store) {
  const { token, ...fields } = kind.present(record, store);
  return { ...fields, private: PRIVATE_BYTES };
}

function find(kind, store, id) {
  const record = store.get(kind.collection, id);
  if (!record) throw errors.notFound(`${kind.field} '${id}' does not exist`);
  return record;
}

function checkFilters(kind, filters) {
  for (const key of Object.keys(filters || {})) {
    if (!key.startsWith('tag:') && !kind.filters.includes(key)) {
      const known = [...kind.filters, 'tag:<key>'].join(', ');
      throw errors.invalidArgument(`unknown filter '${key}' (known: ${known})`, `filters.${key}`);
    }
  }
}

function matches(record, filters) {
  return Object.entries(filters || {}).every(([key, value]) => (key.startsWith('tag:')
    ? (record.tags || {})[key.slice(4)] === value
    : record[key] === value));
}

function create(kind, context, request) {
  const { store } = context;
  const config = request.config || {};
  const earlier = store.byToken(kind.collection, request.idempotency_token);
  if (earlier) return toMessage(kind, earlier, store);
  kind.validate(config, store);
  const record = { ...kind.build(config, context), token: request.idempotency_token };
  store.put(kind.collection, record);
  context.log.info(`created ${kind.field} ${record.id}`, { id: record.id });
  return toMessage(kind, record, store);
}

function update(kind, context, request) {
  const { store } = context;
  const record = { ...find(kind, store, request.id) };
  for (const path of request.changed) {
    const attribute = path.replace(/^config\./, '').split('.')[0];
    if (!kind.updatable.includes(attribute)) {
      throw errors.invalidArgument(`${kind.field} ${attribute} cannot change in place`, `config.${attribute}`);
    }
    record[attribute] = request.config[attribute];
  }
  store.put(kind.collection, record);
  return toMessage(kind, record, store);
}

function remove(kind, context, request) {
  const record = find(kind, context.store, request.id);
  kind.beforeDelete(record, context.store);
  context.store.remove(kind.collection, record.id);
  context.log.info(`deleted ${kind.field} ${record.id}`, { id: record.id });
  return {};
}

function list(kind, context, request) {
  const { store } = context;
  checkFilters(kind, request.filters);  // even when nothing is stored yet
  return store.all(kind.collection)
    .filter((record) => matches(record, request.filters))
    .map((record) => toMessage(kind, record, store));
}

/** {CreateNetwork: fn(request) -> message, ListNetworks: fn(request) -> [messages], ...}. */
function kindHandlers(kind, context) {
  const name = kind.field[0].toUpperCase() + kind.field.slice(1);
  const get = (request) => toMessage(kind, find(kind, context.store, request.id), context.store);
  return {
    unary: {
      [`Create${name}`]: (request) => create(kind, context, request),
      [`Get${name}`]: get,
      [`Update${name}`]: (request) => update(kind, context, request),
      [`Delete${name}`]: (request) => remove(kind, context, request),
      [`Adopt${name}`]: get,
    },
    // Nothing here is abstract (no sizes, no images), so Discover is List.
    streams: {
      [`List${name}s`]: (request) => list(kind, context, request),
      [`Discover${name}s`]: (request) => list(kind, context, request),
    },
  };
}

/** One ReadResources ref -> one ReadResult (by id, or by the create's idempotency token). */
function readOne(context, ref, index) {
  const kind = KIND_BY_ENUM[ref.kind];
  if (!kind) {
    return { index, error: { kind: 'ERROR_KIND_UNIMPLEMENTED', message: `memory-node does not manage ${ref.kind}` } };
  }
  const record = ref.id
    ? context.store.get(kind.collection, ref.id)
    : context.store.byToken(kind.collection, ref.idempotency_token);
  if (!record) return { index, not_found: true };
  return { index, resource: { [kind.field]: toMessage(kind, record, context.store) } };
}

module.exports = { KINDS, KIND_BY_ENUM, kindHandlers, readOne, parseCidr };
