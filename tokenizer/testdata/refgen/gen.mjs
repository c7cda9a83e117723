// gen.mjs writes ../expected/<variant>.json.gz: for every tokenizer variant
// of ../variants.json and every string of ../corpus.json (plus seeded random
// strings), the ids Hugging Face tokenizers gives with and without special
// tokens, and its decoding. The reference is the Rust library itself
// (the `tokenizers` npm package is its Node binding), the code vLLM, TGI and
// SGLang tokenize with. Run: npm ci --ignore-scripts && node gen.mjs [DIR]
// DIR (default: testdata) holds variants.json, the tokenizer files it names,
// and optionally its own corpus.json; expected/ is written there. A DIR
// outside the repository checks tokenizers too large to commit (the Go test
// reads it from INFERBENCH_TOKENIZER_REFS).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import tk from 'tokenizers';

const here = path.dirname(fileURLToPath(import.meta.url));
const td = path.resolve(process.argv[2] ?? path.join(here, '..'));
const corpusFile = fs.existsSync(path.join(td, 'corpus.json')) ? path.join(td, 'corpus.json') : path.join(here, '..', 'corpus.json');
const version = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/tokenizers/package.json'))).version;

// applyPatch replaces the patch's top-level keys; "model" is merged one
// level down. The Go test applies the same rule (tokenizer/ref_test.go).
function applyPatch(base, patch) {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    out[k] = k === 'model' ? { ...base.model, ...v } : v;
  }
  return out;
}

// mulberry32: a small seeded generator, so the random strings are the same
// on every run.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pool = [
  'the', 'Hello', 'world', "don't", "'s", "'LL", "'ve", 'x', 'QQ', 'über', 'ß', 'ſ', 'İ', 'Σ', 'é', 'e\u0301', '\u0301', '\u0308',
  ' ', ' ', ' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', '\r', '\u00a0', '\u3000', '\u2009', '\u200b', '\ufeff', '\u0085', '\u000b', '\u0000',
  '0', '7', '42', '123', '4567', '1.5', '٣', '½',
  '.', ',', '!', '?', ';', ':', "'", '"', '-', '--', '(', ')', '[', ']', '{', '}', '<', '>', '/', '\\', '|', '@', '#', '$', '%', '^', '&', '*', '_', '+', '=', '~', '`',
  '中', '文', '日本', 'の', '한국', 'क्ष', 'ال', 'ไทย', 'Привет',
  '😀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️',
  '<s>', '</s>', '<|endoftext|>', '<think>', '<tool_call>', '<|im_start|>', '▁', 'Ġ', '<0x41>',
];

function randomStrings(n, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = 1 + Math.floor(r() * 30);
    let s = '';
    for (let j = 0; j < k; j++) s += pool[Math.floor(r() * pool.length)];
    out.push(s);
  }
  return out;
}

const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8'));
const texts = corpus.concat(randomStrings(200, 21));
const variants = JSON.parse(fs.readFileSync(path.join(td, 'variants.json'), 'utf8'));
fs.mkdirSync(path.join(td, 'expected'), { recursive: true });

for (const v of variants) {
  const base = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(td, v.file))).toString('utf8'));
  const t = tk.Tokenizer.fromString(JSON.stringify(applyPatch(base, v.patch)));
  const cases = [];
  for (const text of texts) {
    const plain = await t.encode(text, null, { addSpecialTokens: false });
    const special = await t.encode(text, null, { addSpecialTokens: true });
    const ids = Array.from(plain.getIds());
    cases.push({
      text,
      ids,
      ids_special: Array.from(special.getIds()),
      decoded: await t.decode(ids, false),
    });
  }
  const out = { variant: v.name, tokenizers_version: version, cases };
  const file = path.join(td, 'expected', `${v.name}.json.gz`);
  fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(out), { level: 9 }));
  console.log(`${v.name}: ${cases.length} strings, ${cases.reduce((n, c) => n + c.ids.length, 0)} tokens -> ${path.relative(td, file)}`);
}
