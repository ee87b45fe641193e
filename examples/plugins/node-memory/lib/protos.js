'use strict';
// Loads the protocol's .proto files (proto/genesys/provider/v1 in the Genesys repo) at start.
const path = require('node:path');
const fs = require('node:fs');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTO_DIR = process.env.GENESYS_PROTO_DIR || path.resolve(__dirname, '../../../../proto');
const LOCAL_DIR = path.join(__dirname, '..', 'proto');
const V1 = 'genesys/provider/v1';
const FILES = [`${V1}/provider.proto`, `${V1}/network.proto`, `${V1}/storage.proto`];

// keepCase: field names exactly as in the .proto (snake_case); enums as their names;
// defaults so absent scalars read as '' / 0 / false like in every other proto runtime.
const LOADER_OPTIONS = {
  keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
  includeDirs: [PROTO_DIR, LOCAL_DIR],
};

function checkProtoDir() {
  if (!fs.existsSync(path.join(PROTO_DIR, V1, 'provider.proto'))) {
    throw new Error(`protocol files not found under ${PROTO_DIR}; set GENESYS_PROTO_DIR`);
  }
}

function loadServiceDefinitions() {
  checkProtoDir();
  const definition = protoLoader.loadSync([...FILES, 'grpc/health/v1/health.proto'], LOADER_OPTIONS);
  const service = (name) => definition[name];
  return {
    provider: service('genesys.provider.v1.Provider'),
    network: service('genesys.provider.v1.NetworkService'),
    storage: service('genesys.provider.v1.StorageService'),
    health: service('grpc.health.v1.Health'),
  };
}

// protobufjs types for what grpc-js does not serialize for us: the google.rpc.Status that
// goes into the `grpc-status-details-bin` trailer, and the ErrorDetail packed inside it.
let richTypes = null;
function richErrorTypes() {
  if (richTypes) return richTypes;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of [PROTO_DIR, LOCAL_DIR]) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync([`${V1}/common.proto`, 'google/rpc/status.proto'], { keepCase: true });
  richTypes = {
    errorDetail: root.lookupType('genesys.provider.v1.ErrorDetail'),
    status: root.lookupType('google.rpc.Status'),
  };
  return richTypes;
}

module.exports = { loadServiceDefinitions, richErrorTypes };
