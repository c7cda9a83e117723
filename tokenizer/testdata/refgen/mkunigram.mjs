// mkunigram.mjs writes ../unigram.json.gz: a Unigram tokenizer.json made
// from the vocabulary of ../mistral.json.gz with scores of our own
// (SentencePiece Unigram files in the wild carry a Precompiled normalizer,
// which the Go reader does not implement, so the model is exercised on this
// one). A piece's score favours longer pieces and varies with its id; every
// score is a multiple of 1/64, exact in binary, so no rounding differs
// between the reference and the reader. Run before gen.mjs: node mkunigram.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const td = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(td, 'mistral.json.gz'))).toString('utf8'));
const pieces = Object.entries(base.model.vocab).sort((a, b) => a[1] - b[1]);
const vocab = pieces.map(([piece, id]) => {
  if (id < 3) return [piece, 0]; // <unk>, <s>, </s>
  const chars = [...piece].length;
  return [piece, -12 + 0.5 * Math.min(chars, 16) - ((id * 37) % 64) / 64];
});
const ms = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true };
const out = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: base.added_tokens,
  normalizer: null,
  pre_tokenizer: ms,
  post_processor: base.post_processor,
  decoder: { type: 'Sequence', decoders: [ms, { type: 'ByteFallback' }, { type: 'Fuse' }] },
  model: { type: 'Unigram', unk_id: 0, vocab, byte_fallback: true },
};
fs.writeFileSync(path.join(td, 'unigram.json.gz'), zlib.gzipSync(JSON.stringify(out), { level: 9 }));
console.log(`unigram.json.gz: ${vocab.length} pieces`);
