#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the history tests and writes its
# DSN to $PG_ENV (default /tmp/inferbench-pg.env) as
#   export INFERBENCH_TEST_POSTGRES=postgres://…
# so that `. /tmp/inferbench-pg.env && make test` runs the history tests
# against it. Idempotent: installs Debian's postgresql only when missing,
# reuses a server it already started. Quiet unless something fails.
#
#   PG_PORT  port on 127.0.0.1 (default 54329)
#   PG_DIR   data directory and socket (default /tmp/inferbench-pg)
#   PG_ENV   the file the DSN is written to (default /tmp/inferbench-pg.env)
set -euo pipefail

PG_PORT=${PG_PORT:-54329}
PG_DIR=${PG_DIR:-/tmp/inferbench-pg}
PG_ENV=${PG_ENV:-/tmp/inferbench-pg.env}
DB=inferbench_test
USER_NAME=inferbench

log() { echo "setup-postgres: $*" >&2; }

# The server binaries: Debian installs them under /usr/lib/postgresql/N/bin.
find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if ! BIN=$(find_bindir); then
	log "installing postgresql from Debian's packages"
	SUDO=""
	if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
	$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
	# Debian's package starts a cluster of its own on 5432; ours is separate.
	BIN=$(find_bindir) || { log "postgresql installed but no initdb found"; exit 1; }
fi

# PostgreSQL refuses to run as root: run it as the postgres user then.
RUN=()
OWNER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
	RUN=(runuser -u postgres --)
	OWNER=postgres
fi

mkdir -p "$PG_DIR"
chown "$OWNER" "$PG_DIR"
chmod 700 "$PG_DIR"

if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
	if [ ! -s "$PG_DIR/data/PG_VERSION" ]; then
		"${RUN[@]}" "$BIN/initdb" -D "$PG_DIR/data" -U "$OWNER" --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
			{ cat "$PG_DIR/initdb.log" >&2; exit 1; }
	fi
	"${RUN[@]}" "$BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null ||
		{ cat "$PG_DIR/server.log" >&2; exit 1; }
fi

psql_() { "${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$OWNER" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_ -c "SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME'")" != 1 ]; then
	psql_ -c "CREATE ROLE $USER_NAME LOGIN" >/dev/null
fi
if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
	psql_ -c "CREATE DATABASE $DB OWNER $USER_NAME" >/dev/null
fi

DSN="postgres://$USER_NAME@127.0.0.1:$PG_PORT/$DB?sslmode=disable"
printf "export INFERBENCH_TEST_POSTGRES='%s'\n" "$DSN" >"$PG_ENV"
log "PostgreSQL on 127.0.0.1:$PG_PORT, DSN in $PG_ENV"
echo "$DSN"
