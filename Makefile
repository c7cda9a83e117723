# inferbench — see README.md. `make demo` runs the main job on the mock;
# `make test` runs the tests (what CI runs).
SHELL   := /bin/bash -o pipefail
GO      ?= go
PKGS    ?= ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
DEMO_DIR ?= demo-runs
DEMO_TOKENS_PER_DAY ?= 100000000
# go-nvml's cgo calls NVML functions that NVIDIA's header marks deprecated: gcc
# warned about each (58 lines on a cold build), burying `make test`'s output.
# Silenced wherever cgo builds (test, vet, build-nvml); a CGO_CFLAGS of your own wins.
CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations
export CGO_CFLAGS

.PHONY: all build build-nvml test demo bench lint fuzz clean

all: build

build: ## static binary, no NVML (runs anywhere)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/inferbench ./cmd/inferbench

build-nvml: ## cgo build with the NVML GPU sampler (linux)
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/inferbench-nvml ./cmd/inferbench

# -timeout 30m: cmd/inferbench's end-to-end tests take about 5 minutes on an idle 2-core
# machine under the race detector and went past go test's default 10 when it was loaded.
test: ## gofmt, vet (also as built for Windows), every test with the race detector (README examples included), the timing-accuracy tests without it, and the self-tests of fuzz.sh and .ci/integration.sh
	@test -z "$$(gofmt -l .)" || (echo "gofmt would change:"; gofmt -l .; false)
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	$(GO) test -count=1 -timeout 30m -run '^TestAccuracy' $(PKGS)
	./scripts/fuzz_selftest.sh
	./.ci/integration_selftest.sh

demo: build ## the main job: qualify the mock's A100-80GB against its H100-SXM (Llama-3-8B), write the report
	DEMO_DIR=$(DEMO_DIR) DEMO_TOKENS_PER_DAY=$(DEMO_TOKENS_PER_DAY) ./scripts/demo.sh bin/inferbench

bench: build ## hot-path benchmarks and calibrate, in benchstat format, to bench.txt
	$(GO) test -run='^$$' -bench=. -benchmem -count=6 $(PKGS) | tee bench.txt
	bin/inferbench calibrate --format bench | tee -a bench.txt
	@echo "bench.txt written: compare two commits with  benchstat old.txt bench.txt"

lint: ## formatting, vet (here, and the tests as built for Windows and macOS), and go.mod tidy
	@test -z "$$(gofmt -l .)" || (echo "gofmt would change:"; gofmt -l .; false)
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)
	$(GO) mod tidy -diff
	CGO_ENABLED=0 $(GO) build ./...

# Every fuzz target, as package:Target. `make fuzz` runs each for FUZZTIME.
FUZZ_TARGETS := ./targets/sse:FuzzReader ./targets/sse:FuzzReaderSmallMax ./targets/ndjson:FuzzReader ./targets/openai:FuzzStream \
	./targets/openai:FuzzFastDecode ./targets/openai:FuzzTemplateDecode ./servermetrics:FuzzParse ./rundir:FuzzRecordJSON \
	./scenarios:FuzzLoad ./gpu/dcgm:FuzzParse ./gpu/smi:FuzzParseCSV ./gpu/smi:FuzzParseAMDSMIMetric \
	./rundir:FuzzRecordDecode ./targets/tgi:FuzzStream ./targets/ollama:FuzzStream \
	./targets/anthropic:FuzzStream ./targets/gemini:FuzzStream ./internal/yamlguard:FuzzParse \
	./tokenizer:FuzzLoad ./tokenizer:FuzzEncode ./tokenizer:FuzzScannerVsRegexp \
	./targets/bedrock:FuzzStream ./targets/openai:FuzzResponsesStream ./targets/replicate:FuzzStream ./targets/triton:FuzzStream \
	./report:FuzzGPUIndex ./targets/tokenize:FuzzScan ./targets/jsonscan:FuzzValue
# A duration can end in a spurious "context deadline exceeded" FAIL on Go 1.26
# (golang/go#75804); scripts/fuzz.sh retries that once. CI gives a count.
FUZZTIME ?= 60s
# Minimizing each new input of a large seed (a 58 KB /metrics page) would take
# the default 60 s of the run; 2 s keeps the fuzzer fuzzing.
FUZZMINIMIZE ?= 2s

fuzz: ## every fuzz target for FUZZTIME each (CI: FUZZTIME=20000x, a count; a duration such as 60s is the default)
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZMINIMIZE=$(FUZZMINIMIZE) ./scripts/fuzz.sh $(FUZZ_TARGETS)

clean:
	rm -rf bin $(DEMO_DIR) bench.txt

.PHONY: test-integration demo-real

test-integration: ## tests against real llama-server and Ollama on this CPU (issue #13): builds them once (cold: up to ~30 min on 2 cores, capped at 45; cached per version under ~/.cache/inferbench-real), starts them, runs `go test -tags integration`, stops them
	INFERBENCH_INTEGRATION_STRICT=1 ./.ci/integration.sh

demo-real: build ## the qualification flow against real llama-server and Ollama on this CPU (same generated model): sweeps both, writes "llama.cpp vs Ollama" report
	DEMO_DIR=$(DEMO_DIR) ./scripts/demo-real.sh bin/inferbench

.PHONY: refclient

refclient: ## inferbench beside the official OpenAI Node SDK (real llama-server) and the official Ollama JS library (real Ollama), one request at a time, alternating (needs node and npm; scripts/reference-client.sh URL MODEL for another server)
	./scripts/reference-client.sh
	REFCLIENT_CLIENT=ollama ./scripts/reference-client.sh
