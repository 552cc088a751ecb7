#!/bin/bash
# Instructions per login against instructions per raw argon2id verification,
# counted by valgrind's cachegrind: a figure the machine's load does not move
# (docs/PERFORMANCE.md). Run from the repository's root after `make build`:
#
#   docs/bench/instructions.sh [sqlite|postgres] [server binary]
#
# LOGINS=26 (default 10) counts more logins: less spread, longer.
#
# The server runs under cachegrind on a fresh database with two users, and two
# clients (from 127.0.0.11 and .12, two networks, so both of its checks are
# used) log in N times each, without cookies, as the bench's do; it is
# counted from start to exit for N=2 and N=LOGINS, and the difference,
# 2 x (LOGINS - 2) logins, is the figure: the start cancels out. The raw
# side is the bench's own baseline (`bench -verify`), as many verifications,
# at the server's 2 at once under its 128 MiB memory limit. PostgreSQL's own
# work is not counted.
set -euo pipefail
DB=${1:-sqlite}
SERVER=$(realpath "${2:-bin/server}")
WORK=$(mktemp -d /tmp/warden-instructions-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
go build -o "$WORK/bench" ./server/cmd/bench
PGURL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
export PGOPTIONS="-c client_min_messages=warning"

# instructions runs "$@" under cachegrind and prints the instructions it ran.
instructions() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null --log-file="$WORK/vg.log" "$@" >/dev/null
	grep -o 'I *refs: *[0-9,]*' "$WORK/vg.log" | tr -dc 0-9
}

# server N: the server's instructions from start to exit around 2 x N logins.
server() {
	local n=$1 dir="$WORK/server-$1" schema="warden_instructions_$1" port=$((20000 + RANDOM % 20000))
	mkdir -p "$dir"
	local env=(DATA_DIR="$dir" GOMEMLIMIT= GOGC= GODEBUG= DATABASE_URL=)
	if [ "$DB" = postgres ]; then
		psql -q "$PGURL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
		env+=(DATABASE_URL="$PGURL&search_path=$schema")
	fi
	local pw
	pw=$(head -c 20 /dev/urandom | base32 | tr -d = | head -c 26)
	for u in user1 user2; do
		printf '%s\n' "$pw" | env "${env[@]}" "$SERVER" user create --username $u >/dev/null 2>&1
	done
	# Returning users: not the one-time password of a first login.
	if [ "$DB" = postgres ]; then
		psql -q "$PGURL" -c "UPDATE $schema.users SET password_must_change = false"
	else
		sqlite3 "$dir/warden.db" "UPDATE users SET password_must_change = 0"
	fi
	env "${env[@]}" ADDR=127.0.0.1:$port valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		--log-file="$dir/vg.log" "$SERVER" >"$dir/out" 2>&1 &
	local vg=$!
	until curl -s -o /dev/null http://127.0.0.1:$port/healthz; do
		kill -0 $vg 2>/dev/null || { cat "$dir/out" >&2; return 1; }
		sleep 1
	done
	local clients=()
	for i in 1 2; do
		(for _ in $(seq "$n"); do
			code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.1$i -H 'Content-Type: application/json' \
				-d "{\"username\":\"user$i\",\"password\":\"$pw\"}" http://127.0.0.1:$port/api/login)
			[ "$code" = 200 ] || { echo "login answered $code" >&2; exit 1; }
		done) &
		clients+=($!)
	done
	wait "${clients[@]}"
	kill -TERM $vg
	wait $vg || true
	[ "$DB" = postgres ] && psql -q "$PGURL" -c "DROP SCHEMA $schema CASCADE"
	grep -o 'I *refs: *[0-9,]*' "$dir/vg.log" | tr -dc 0-9
}

LOGINS=${LOGINS:-10}
login2=$(server 2)
loginN=$(server "$LOGINS")
raw4=$(GOMEMLIMIT=128MiB instructions "$WORK/bench" -verify 4 -checks 2)
rawN=$(GOMEMLIMIT=128MiB instructions "$WORK/bench" -verify $((2 * LOGINS)) -checks 2)
awk -v l2="$login2" -v lN="$loginN" -v r4="$raw4" -v rN="$rawN" -v n=$((2 * (LOGINS - 2))) -v db="$DB" 'BEGIN {
	login = (lN - l2) / n; raw = (rN - r4) / n
	printf "%s: %.1f M instructions per login, %.1f M per raw verification: %+.1f%%\n", db, login / 1e6, raw / 1e6, 100 * (login / raw - 1)
}'
