'use strict';
// Typed errors: a gRPC status whose `grpc-status-details-bin` trailer holds a google.rpc.Status
// carrying one genesys.provider.v1.ErrorDetail (docs/plugin-protocol.md "Errors").
const grpc = require('@grpc/grpc-js');
const { richErrorTypes } = require('./protos');

const KIND_TO_CODE = {
  ERROR_KIND_UNSPECIFIED: grpc.status.INTERNAL,
  ERROR_KIND_NOT_FOUND: grpc.status.NOT_FOUND,
  ERROR_KIND_ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  ERROR_KIND_INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  ERROR_KIND_UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  ERROR_KIND_PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  ERROR_KIND_THROTTLED: grpc.status.RESOURCE_EXHAUSTED,
  ERROR_KIND_UNAVAILABLE: grpc.status.UNAVAILABLE,
  ERROR_KIND_FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  ERROR_KIND_UNIMPLEMENTED: grpc.status.UNIMPLEMENTED,
};

const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/genesys.provider.v1.ErrorDetail';

/** An error a handler throws on purpose; `detail` is a plain ErrorDetail object. */
class ProviderError extends Error {
  constructor(kind, message, { attributePath = '', providerCode = '' } = {}) {
    super(message);
    this.detail = { kind, message, attribute_path: attributePath, provider_code: providerCode };
  }
}

const notFound = (message) => new ProviderError('ERROR_KIND_NOT_FOUND', message);
const alreadyExists = (message) => new ProviderError('ERROR_KIND_ALREADY_EXISTS', message);
const failedPrecondition = (message) =>
  new ProviderError('ERROR_KIND_FAILED_PRECONDITION', message);
const invalidArgument = (message, attributePath) =>
  new ProviderError('ERROR_KIND_INVALID_ARGUMENT', message, { attributePath });

function statusDetailsBin(code, detail) {
  const types = richErrorTypes();
  const detailBytes = types.errorDetail.encode(types.errorDetail.fromObject(detail)).finish();
  const status = types.status.fromObject({
    code, message: detail.message,
    details: [{ type_url: ERROR_DETAIL_TYPE_URL, value: detailBytes }],
  });
  return Buffer.from(types.status.encode(status).finish());
}

/** The ServiceError grpc-js sends for any thrown value; unexpected ones become INTERNAL. */
function toServiceError(thrown, log) {
  const detail = thrown instanceof ProviderError
    ? thrown.detail
    : { kind: 'ERROR_KIND_UNSPECIFIED', message: String(thrown && thrown.message || thrown) };
  if (!(thrown instanceof ProviderError)) {
    log.error('unexpected error in handler', { exc: String(thrown && thrown.stack || thrown) });
  }
  const code = KIND_TO_CODE[detail.kind];
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', statusDetailsBin(code, detail));
  return { code, details: detail.message, metadata };
}

module.exports = {
  ProviderError, notFound, alreadyExists, failedPrecondition, invalidArgument, toServiceError,
};
