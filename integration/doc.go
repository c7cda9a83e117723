// Package integration holds inferbench's tests against real LLM servers on
// this CPU: llama.cpp's llama-server and Ollama serving tiny models made by
// tools/ggufgen (issue #13). The tests sit behind the build tag
// `integration`; without it this package has no tests and `go test ./...`
// passes over it.
//
// Run them with `make test-integration`, which provisions and starts the
// servers with scripts/real-servers.sh and stops them afterwards; or start
// the servers yourself and export the variables of its servers.env:
// INFERBENCH_LLAMACPP_URL (tiny model, 8 slots), INFERBENCH_LLAMACPP_SMALL_URL
// (small model, 4 slots), INFERBENCH_LLAMACPP_ANY_URL (tiny model without the
// no-EOS trick) and INFERBENCH_OLLAMA_URL (models "tiny" and "small").
package integration
