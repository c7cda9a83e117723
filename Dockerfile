# syntax=docker/dockerfile:1
# A static inferbench image for sharded runs on Kubernetes (inferbench k8s
# manifest). CGO is off, so NVML telemetry is not in it: load pods watch GPUs
# through dcgm-exporter (--gpu-backend dcgm) or not at all.
#   docker build -t REGISTRY/inferbench:TAG --build-arg VERSION=TAG .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
    -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/inferbench ./cmd/inferbench

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/inferbench /inferbench
USER 65532:65532
ENTRYPOINT ["/inferbench"]
