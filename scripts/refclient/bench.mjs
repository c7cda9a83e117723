// Reference clients of the field beside inferbench: the official OpenAI
// Node SDK (chat completions over SSE) and the official Ollama JavaScript
// library (Ollama's native /api/chat, NDJSON); package.json pins both. It
// streams requests one at a time and times them the way docs/design.md
// defines the metrics: TTFT from the call to the first chunk with content,
// TPOT as (last content chunk − first) / (content chunks − 1), E2E to the
// end of the stream. Percentiles interpolate linearly (Hyndman–Fan type 7,
// as report.Quantile7). It prints one JSON object.
// scripts/reference-client.sh runs it alternately with `inferbench run`.
//
// Usage: node bench.mjs openai|ollama BASE_URL MODEL REQUESTS MAX_TOKENS PROMPT_WORDS
import http from "node:http";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { VERSION } from "openai/version";
import { readFileSync } from "node:fs";

const [kind, base, model, n, maxTokens, promptWords] = process.argv.slice(2);
const words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike " +
  "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split(" ");

function prompt(i) {
  // Unique per request, so that no prompt cache answers for the server.
  let p = `${i} ${Date.now()}`;
  for (let j = 0; j < +promptWords; j++) p += " " + words[Math.floor(Math.random() * words.length)];
  return p;
}

// Each client's stream of one request, as the parts the timing needs: the
// text of each chunk and, where the server says it, the prompt's length.
const clients = {
  openai() {
    // llama-server closes a kept-alive connection after a while, and
    // node-fetch then fails the next request on it ("socket hang up"): a
    // connection per request costs well under a millisecond on 127.0.0.1.
    const c = new OpenAI({
      baseURL: base.replace(/\/$/, "") + "/v1", apiKey: process.env.OPENAI_API_KEY || "none",
      maxRetries: 0, httpAgent: new http.Agent({ keepAlive: false }),
    });
    return {
      name: "openai-node " + VERSION,
      async *parts(content) {
        const stream = await c.chat.completions.create({
          model, messages: [{ role: "user", content }], max_tokens: +maxTokens,
          stream: true, stream_options: { include_usage: true }, ignore_eos: true,
        });
        for await (const ch of stream) {
          yield { text: ch.choices?.[0]?.delta?.content, promptTokens: ch.usage?.prompt_tokens };
        }
      },
    };
  },
  ollama() {
    const c = new Ollama({ host: base });
    const pkg = JSON.parse(readFileSync(new URL("node_modules/ollama/package.json", import.meta.url)));
    return {
      name: "ollama-js " + pkg.version,
      async *parts(content) {
        const stream = await c.chat({
          model, messages: [{ role: "user", content }], stream: true, options: { num_predict: +maxTokens },
        });
        for await (const ch of stream) {
          yield { text: ch.message?.content, promptTokens: ch.done ? ch.prompt_eval_count : undefined };
        }
      },
    };
  },
};
const client = clients[kind]?.();
if (!client) throw new Error(`client ${kind}: want openai or ollama`);

async function one(i) {
  const t0 = performance.now();
  let first = 0, last = 0, chunks = 0, promptTokens = NaN;
  for await (const part of client.parts(prompt(i))) {
    const t = performance.now();
    if (part.promptTokens !== undefined) promptTokens = part.promptTokens;
    if (part.text) {
      if (!first) first = t;
      last = t;
      chunks++;
    }
  }
  const end = performance.now();
  // As report's definitions: no TTFT without a content chunk, no TPOT
  // without two (NaN, left out of the percentiles below).
  return {
    ttft: chunks > 0 ? first - t0 : NaN, tpot: chunks > 1 ? (last - first) / (chunks - 1) : NaN,
    e2e: end - t0, promptTokens,
  };
}

function quantile7(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p, lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

const warmup = 2, results = [];
for (let i = 0; i < +n + warmup; i++) {
  const r = await one(i);
  if (i >= warmup) results.push(r);
}
const out = { client: client.name, requests: results.length };
for (const k of ["ttft", "tpot", "e2e"]) {
  const xs = results.map((r) => r[k]).filter(Number.isFinite);
  out[k + "_ms"] = { p50: quantile7(xs, 0.5), p90: quantile7(xs, 0.9), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
}
out.prompt_tokens_mean = results.reduce((a, r) => a + r.promptTokens, 0) / results.length;
console.log(JSON.stringify(out));
