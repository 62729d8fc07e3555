// The AWS SDK for JavaScript v3 doing the work our build_request does, for bench/run.lua.
//
// usage: node peer_js.mjs REQUESTS_JSON RUNS CALLS
//
// `await client.send(new CreateAutoMLJobCommand(params))` with a request
// handler that captures the signed request and returns a canned 200 response:
// the SDK's whole middleware stack (serialize, sign, retry bookkeeping,
// deserialize), no network. Per-call microseconds, one value per run (median
// over batches): "R js_minimal ...", "R js_maximal ...".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { SageMakerClient, CreateAutoMLJobCommand } from "@aws-sdk/client-sagemaker";

const [path, runsArg, callsArg] = process.argv.slice(2);
const runs = Number(runsArg);
const calls = Number(callsArg);
const requests = JSON.parse(readFileSync(path, "utf8"));
const BATCH = 100;
const canned = new TextEncoder().encode(
  '{"AutoMLJobArn":"arn:aws:sagemaker:us-east-1:123456789012:automl-job/bench"}');

let captured = null;
const requestHandler = {
  async handle(request) {
    captured = request;
    return {
      response: {
        statusCode: 200,
        reason: "OK",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-requestid": "bench-request-id",
          "content-length": String(canned.length),
        },
        body: canned,
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() { return {}; },
};

const client = new SageMakerClient({
  region: "us-east-1",
  credentials: {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  },
  requestHandler,
});

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function timeCalls(params, runsN, callsN) {
  const batch = callsN >= BATCH ? BATCH : 1;
  const batches = Math.max(1, Math.floor(callsN / batch));
  const warm = Math.max(1, Math.min(2000, Math.floor(callsN / 2)));
  for (let i = 0; i < warm; i++) await client.send(new CreateAutoMLJobCommand(params));
  const out = [];
  for (let r = 0; r < runsN; r++) {
    const samples = [];
    for (let k = 0; k < batches; k++) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) await client.send(new CreateAutoMLJobCommand(params));
      samples.push(((performance.now() - t0) * 1e3) / batch);
    }
    out.push(median(samples));
  }
  return out;
}

const require = createRequire(import.meta.url);
const version = require("@aws-sdk/client-sagemaker/package.json").version;
console.log(`I js_version ${version}`);
console.log(`I node_version ${process.versions.node}`);
for (const name of ["minimal", "maximal"]) {
  const out = await client.send(new CreateAutoMLJobCommand(requests[name]));
  if (!out.AutoMLJobArn || !captured || !String(captured.headers.authorization).startsWith("AWS4-HMAC-SHA256")) {
    throw new Error("the canned call did not go through the SDK as expected");
  }
  console.log(`I js_body_bytes_${name} ${captured.body.length}`);
  const values = await timeCalls(requests[name], runs, calls);
  console.log(`R js_${name} ${values.map((v) => v.toFixed(4)).join(" ")}`);
}
