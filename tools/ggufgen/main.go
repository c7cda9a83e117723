// Command ggufgen writes a tiny random-weight llama model as a GGUF file that
// llama.cpp's llama-server and Ollama load, for inferbench's integration
// tests against real servers (issue #13). The tokenizer is copied from a
// vocab-only GGUF (llama.cpp's models/ggml-vocab-llama-spm.gguf: the real
// 32000-token Llama-2 vocabulary), so token counts are real Llama-2 counts;
// the weights are seeded, so the same flags give the same bytes.
//
// Usage:
//
//	ggufgen -vocab ggml-vocab-llama-spm.gguf -size tiny|small [-any-token] [-seed N] -out model.gguf
//
// By default every request to the model runs exactly to max_tokens with
// valid UTF-8 output (see buildModel); -any-token lets it sample every token,
// end-of-sequence and byte fallback included.
//
// It lives under tools/ (the project has no internal/ folder): a build tool,
// not part of inferbench.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ggufgen:", err)
		os.Exit(1)
	}
}

// run parses args and writes the model.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("ggufgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vocab := fs.String("vocab", "", "vocab-only GGUF to copy the tokenizer from (required)")
	size := fs.String("size", "tiny", "model size: tiny (64x2, F32, 4.2M params) or small (512x8, F16, 58M params)")
	anyToken := fs.Bool("any-token", false, "let the model sample every token (EOS, byte fallback): outputs can end early or hold invalid UTF-8")
	seed := fs.Uint64("seed", 0, "seed of the random weights")
	out := fs.String("out", "", "GGUF file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *vocab == "" || *out == "" || fs.NArg() > 0 {
		return errors.New("usage: ggufgen -vocab VOCAB.gguf -size tiny|small [-any-token] [-seed N] -out MODEL.gguf")
	}
	c, ok := sizeConfig(*size)
	if !ok {
		return fmt.Errorf("unknown size %q (tiny or small)", *size)
	}
	c.AnyToken, c.Seed = *anyToken, *seed
	if c.AnyToken {
		c.Name += "-any"
	}
	f, err := os.Open(*vocab)
	if err != nil {
		return fmt.Errorf("open vocab: %w", err)
	}
	kvs, err := readMetadata(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("read vocab %s: %w", *vocab, err)
	}
	meta, ts, err := buildModel(c, kvs)
	if err != nil {
		return err
	}
	// Write beside the target and rename, so a reader never sees half a file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".ggufgen-*")
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeGGUF(tmp, meta, ts); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod output: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close output: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("rename output: %w", err)
	}
	fmt.Fprintf(stderr, "ggufgen: wrote %s: %s, %d parameters, %d tensors\n", *out, c.Name, paramCount(ts), len(ts))
	return nil
}
