'use strict';
// The gRPC server: our handlers wrapped so every failure is a typed status, plus the
// standard health service.
const grpc = require('@grpc/grpc-js');
const { toServiceError } = require('./errors');

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;  // both directions, as the protocol requires

function unary(handler, log) {
  return (call, callback) => {
    try {
      callback(null, handler(call.request));
    } catch (thrown) {
      callback(toServiceError(thrown, log));
    }
  };
}

function serverStream(handler, log) {
  return (call) => {
    try {
      for (const item of handler(call.request)) {
        if (call.cancelled) return;
        call.write(item);
      }
      call.end();
    } catch (thrown) {
      call.emit('error', toServiceError(thrown, log));  // ends the stream with that status
    }
  };
}

function wrapAll({ unary: unaryHandlers = {}, streams = {} }, log) {
  const wrapped = {};
  for (const [name, handler] of Object.entries(unaryHandlers)) wrapped[name] = unary(handler, log);
  for (const [name, handler] of Object.entries(streams)) wrapped[name] = serverStream(handler, log);
  return wrapped;
}

/** grpc.health.v1.Health: SERVING for "" and each served service, NOT_SERVING when stopping. */
class Health {
  constructor(servedNames) {
    this.served = new Set(['', ...servedNames]);
    this.stopping = false;
    this.watchers = new Set();
  }

  status(service) {
    if (!this.served.has(service)) return null;
    return this.stopping ? 'NOT_SERVING' : 'SERVING';
  }

  markStopping() {
    this.stopping = true;
    for (const call of this.watchers) {
      call.write({ status: this.status(call.request.service) || 'SERVICE_UNKNOWN' });
    }
  }

  handlers() {
    return {
      Check: (call, callback) => {
        const status = this.status(call.request.service);
        if (status) return callback(null, { status });
        return callback({ code: grpc.status.NOT_FOUND, details: `unknown service '${call.request.service}'` });
      },
      Watch: (call) => {
        call.write({ status: this.status(call.request.service) || 'SERVICE_UNKNOWN' });
        this.watchers.add(call);
        call.on('cancelled', () => this.watchers.delete(call));
      },
    };
  }
}

function newServer() {
  return new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
}

function bind(server, address, credentials) {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
  });
}

module.exports = { wrapAll, Health, newServer, bind };
