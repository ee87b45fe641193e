'use strict';
// The plugin's throwaway certificate S (docs/plugin-protocol.md "Mutual TLS, step by step"):
// ECDSA P-256, self-signed, CA:TRUE, SAN localhost/127.0.0.1/::1, made in memory at start.
require('reflect-metadata');  // @peculiar/x509's dependency injection needs this polyfill
const x509 = require('@peculiar/x509');
const { webcrypto, randomBytes } = require('node:crypto');

x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const FIVE_MINUTES_MS = 5 * 60 * 1000;

function extensions() {
  const usage = x509.KeyUsageFlags;
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(
      usage.digitalSignature | usage.keyEncipherment | usage.keyAgreement | usage.keyCertSign, true),
    new x509.ExtendedKeyUsageExtension(
      [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
      { type: 'ip', value: '::1' },
    ]),
  ];
}

function pem(label, bytes) {
  const body = Buffer.from(bytes).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** {certPem, keyPem, certDer} of a fresh self-signed server certificate. */
async function makeServerCertificate(commonName) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;  // a positive serial number
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - FIVE_MINUTES_MS),
    notAfter: new Date(now + 10 * 365 * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: extensions(),
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: certificate.toString('pem') + '\n',
    keyPem: pem('PRIVATE KEY', pkcs8),
    certDer: Buffer.from(certificate.rawData),
  };
}

module.exports = { makeServerCertificate };
