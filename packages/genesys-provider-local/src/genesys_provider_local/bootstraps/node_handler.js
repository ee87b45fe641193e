// Runs one invocation of a Node.js function handler; started by genesys_provider_local.invoke.
//
//     node node_handler.js CODE_DIR MODULE.FUNCTION RESULT_FILE   (event JSON on stdin)
//
// Writes {"ok": true, "result": ...} or {"ok": false, "error": "Type: message"} to RESULT_FILE.
"use strict";
const fs = require("fs");
const path = require("path");

const [codeDir, handler, resultPath] = process.argv.slice(2);

function finish(outcome) {
  fs.writeFileSync(resultPath, JSON.stringify(outcome));
}

async function main() {
  const input = fs.readFileSync(0).toString();
  const dot = handler.lastIndexOf(".");
  const event = input.trim() ? JSON.parse(input) : null;
  const mod = require(path.resolve(codeDir, handler.slice(0, dot)));
  const fn = mod[handler.slice(dot + 1)];
  if (typeof fn !== "function") {
    throw new TypeError(`${handler} is not a function`);
  }
  const deadline = Number(process.env.GENESYS_FUNCTION_DEADLINE_MS || 0);
  const context = {
    functionName: process.env.GENESYS_FUNCTION_NAME || "",
    memoryLimitInMB: Number(process.env.GENESYS_FUNCTION_MEMORY_MB || 128),
    awsRequestId: process.env.GENESYS_REQUEST_ID || "",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const result = await fn(event, context);
  finish({ ok: true, result: result === undefined ? null : result });
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  const name = err && err.name ? err.name : "Error";
  const message = err && err.message !== undefined ? err.message : String(err);
  finish({ ok: false, error: `${name}: ${message}` });
});
