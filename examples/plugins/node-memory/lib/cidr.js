'use strict';
// IPv4 CIDR parsing: enough to validate networks and subnets of an in-memory cloud.

function parseAddress(text) {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Returns {base, prefix, size} for "a.b.c.d/n" with no host bits set, else null. */
function parseCidr(text) {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text || '');
  if (!match) return null;
  const address = parseAddress(match[1]);
  const prefix = Number(match[2]);
  if (address === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return null;
  return { base: address, prefix, size };
}

function contains(outer, inner) {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

function overlaps(a, b) {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

module.exports = { parseCidr, contains, overlaps };
