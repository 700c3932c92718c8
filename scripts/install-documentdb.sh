#!/usr/bin/env bash
# Builds and installs the MongoDB-wire test server: FerretDB 2.7 on PostgreSQL 15 with the DocumentDB
# extension (see ../shared/vendor/documentdb/NOTES.md for why each piece and version).
#
# What ends up where:
#   - Debian packages (apt): compilers, PostgreSQL 15 server headers, rum, PostGIS, ...;
#   - extension files (documentdb, documentdb_core, pg_cron, vector) in /usr/lib/postgresql/15 and
#     /usr/share/postgresql/15, where the Debian PostgreSQL looks for them (PGXS installs there);
#   - the patched FerretDB binary at .tools/documentdb/bin/ferretdb (git-ignored).
# Nothing is started and the machine's own PostgreSQL cluster is not touched: the tests start a
# throwaway cluster of their own (test/helpers/documentdb.ts).
#
# The built files are cached in $HOME/.cache/docgate/documentdb-<key>/ (<key> covers every version,
# source and patch checksum and this recipe), so a rerun restores them in a second or two.
# Sources: ../shared/vendor/documentdb/ beside the repository when present, else GitHub at the same
# commits; either way checked against the pinned checksums below. FerretDB comes from the Go module
# proxy (checked by Go's own checksum database).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$PWD"

PG_MAJOR=15
DOCUMENTDB_COMMIT=3f80da90a9e0b04f214183aa656c4fb0b4bc31e4 # FerretDB/documentdb branch ferretdb, 0.107-0
LIBBSON_VERSION=1.28.0
LIBBSON_COMMIT=a463a46c38cb6b552f2da4b3ae63e393dfe0a9a6
PG_CRON_VERSION=1.6.3
PG_CRON_COMMIT=9d0576c64edd90fb3d8ac30763296a8106315638
PGVECTOR_VERSION=0.8.0
PGVECTOR_COMMIT=2627c5ff775ae6d7aef0c430121ccf857842d2f2
FERRETDB_VERSION=2.7.0
FERRETDB_MODULE=github.com/FerretDB/FerretDB/v2
# Bump when the build steps change in a way that changes the result (part of the cache key).
RECIPE=1

# Each source: file name in the vendor folder | GitHub archive URL | git commit | SHA-256 of the
# vendored tarball | SHA-256 of the unpacked tree (see tree_sum; holds for a GitHub archive too).
SOURCES=(
  "documentdb|documentdb-$DOCUMENTDB_COMMIT.tar.gz|https://github.com/FerretDB/documentdb/archive/$DOCUMENTDB_COMMIT.tar.gz|$DOCUMENTDB_COMMIT|9118162f77beecc1cb2c6049ae91ee892bb4fa8dd430b035181ced071d9924df|60d948ea8e228197e464dd07b8f5cca2de9e8d2ba651351e640474eee019064d"
  "libbson|mongo-c-driver-$LIBBSON_VERSION.tar.gz|https://github.com/mongodb/mongo-c-driver/archive/refs/tags/$LIBBSON_VERSION.tar.gz|$LIBBSON_COMMIT|bae772b92511b6b459458553a1e24bab5580f70eb433ea5b6851c250e6481360|1a434585472cf2f8160bacdbc1cdd1579d1de21a10df67fd7129f64632af364f"
  "pg_cron|pg_cron-v$PG_CRON_VERSION.tar.gz|https://github.com/citusdata/pg_cron/archive/refs/tags/v$PG_CRON_VERSION.tar.gz|$PG_CRON_COMMIT|663ebeddf755f13cea29dfa8054dd69d45219bd8be964b6e5c46eb5a37a8413d|a6b22de15c274bc02f367525aef8d218467968e827a2d1d79a35f4bac6071f17"
  "pgvector|pgvector-v$PGVECTOR_VERSION.tar.gz|https://github.com/pgvector/pgvector/archive/refs/tags/v$PGVECTOR_VERSION.tar.gz|$PGVECTOR_COMMIT|2157dafc688dd2fc363d845e5a8269ce724106856de931419a5160bb7f4be8c9|f0af6d267dcdc82ff2b5a39f0be85c90ea549f6ab0c4d96d8a5c03bd2e525fac"
)
# The patches are the project's own copies (scripts/documentdb-patches/), same as in the vendor folder.
PATCH_DIR="$REPO_ROOT/scripts/documentdb-patches"
PATCHES=(
  "documentdb-concurrent-upsert-fix.patch|3d28481592fac5280c0a5ca2d6a08d8e886bcdaf5b00efc11c85ac7f3eca944f"
  "documentdb-fam-upsert-return-fix.patch|4c6cb526029dd5a8ebbe48381c54e30e30a5e2ca8c142eb649ffc05009c51810"
  "ferretdb-v2.7.0-duplicate-key-code.patch|b3d888324be899807323965c773625c3bd1bd9ef5eccfad70a3d5ad04eabc1f3"
)

APT_PACKAGES=(
  build-essential pkg-config cmake curl ca-certificates
  "postgresql-server-dev-$PG_MAJOR" libpcre2-dev libintelrdfpmath-dev libkrb5-dev
  "postgresql-$PG_MAJOR-rum" "postgresql-$PG_MAJOR-postgis-3"
)

VENDOR_DIR="$REPO_ROOT/../shared/vendor/documentdb"
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
TOOLS_BIN="$REPO_ROOT/.tools/documentdb/bin"
CACHE_ROOT="${HOME}/.cache/docgate"
STARTED=$SECONDS

log() { echo "install-documentdb: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}
elapsed() { echo "$((SECONDS - STARTED)) s"; }

# ---------------------------------------------------------------------------------------------------------
# Checksums

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# tree_sum DIR: SHA-256 over the path and content of every file and symlink under DIR, so that the
# same commit gives the same sum whether it came from the vendor folder or a GitHub archive (whose
# bytes and top folder differ). Directories under tests/ are left out: the vendored mongo-c-driver
# leaves out test data that GitHub's archive has.
tree_sum() {
  (
    cd "$1"
    {
      find . -type f -not -path '*/tests/*' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
      find . -type l -not -path '*/tests/*' -printf '%p -> %l\n' | LC_ALL=C sort
    } | sha256sum | cut -d' ' -f1
  )
}

# ---------------------------------------------------------------------------------------------------------
# Cache key

cache_key() {
  local os
  os="$(. /etc/os-release && echo "$ID-$VERSION_ID")-$(uname -m)"
  {
    echo "recipe $RECIPE os $os pg $PG_MAJOR ferretdb $FERRETDB_VERSION"
    printf '%s\n' "${SOURCES[@]}" "${PATCHES[@]}"
  } | sha256sum | cut -c1-16
}

KEY="$(cache_key)"
CACHE_DIR="$CACHE_ROOT/documentdb-$KEY"

# Files of a cache entry: root/ (the system files, as under /), bin/ferretdb, and two lists of
# checksums: system.sha256 (relative to root/ and so to /) and bin.sha256 (relative to bin/).
cache_complete() {
  [[ -f "$CACHE_DIR/system.sha256" && -f "$CACHE_DIR/bin.sha256" ]] &&
    (cd "$CACHE_DIR/root" && sha256sum --quiet --strict -c "$CACHE_DIR/system.sha256" >/dev/null 2>&1) &&
    (cd "$CACHE_DIR/bin" && sha256sum --quiet --strict -c "$CACHE_DIR/bin.sha256" >/dev/null 2>&1)
}

installed_matches_cache() {
  (cd / && sha256sum --quiet --strict -c "$CACHE_DIR/system.sha256" >/dev/null 2>&1) &&
    [[ -d "$TOOLS_BIN" ]] &&
    (cd "$TOOLS_BIN" && sha256sum --quiet --strict -c "$CACHE_DIR/bin.sha256" >/dev/null 2>&1)
}

restore_from_cache() {
  # cp -a keeps modes; the extension files belong in root-owned system folders anyway.
  # --remove-destination: a new file, never the running one rewritten in place. Plain cp truncates
  # and rewrites pg_documentdb.so under every PostgreSQL that has it mapped, and every backend of
  # every cluster on the machine (other test runs' too) then crashes at once.
  cp -a --remove-destination "$CACHE_DIR/root/." /
  mkdir -p "$TOOLS_BIN"
  cp -a "$CACHE_DIR/bin/ferretdb" "$TOOLS_BIN/ferretdb.tmp.$$"
  mv -f "$TOOLS_BIN/ferretdb.tmp.$$" "$TOOLS_BIN/ferretdb"
  installed_matches_cache || die "files restored from $CACHE_DIR do not match its checksums"
}

print_versions() {
  log "ready ($(elapsed)): $("$TOOLS_BIN/ferretdb" --version | sed -n 's/^[Vv]ersion: //p') (FerretDB)," \
    "documentdb $(sed -n "s/^default_version = '\(.*\)'/\1/p" "/usr/share/postgresql/$PG_MAJOR/extension/documentdb.control")," \
    "PostgreSQL $("$PG_CONFIG" --version | sed 's/^PostgreSQL //')"
}

# ---------------------------------------------------------------------------------------------------------
# Step 1: Debian packages (also on a cached rerun: a new machine has the cache but not the packages)

missing_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -qx 'install ok installed' || echo "$pkg"
  done
}

SUDO=""
[[ "$(id -u)" -eq 0 ]] || SUDO="sudo"

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    log "[1/8] Debian packages: already installed"
    return
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null >/dev/null
  # Upgrading the postgresql-15 package would restart the machine's own cluster: refuse instead.
  if $SUDO apt-get -s install --no-install-recommends "${missing[@]}" </dev/null |
    grep -E "^(Inst|Remv) postgresql-$PG_MAJOR " >/dev/null; then
    die "installing ${missing[*]} would upgrade or remove postgresql-$PG_MAJOR (and restart its cluster); install them by hand"
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  [[ -z "$(missing_packages)" ]] || die "still missing after apt-get: $(missing_packages | tr '\n' ' ')"
  log "[1/8] Debian packages: installed ${missing[*]} ($(elapsed))"
}

install_packages
[[ -x "$PG_CONFIG" ]] || die "$PG_CONFIG not found"

mkdir -p "$CACHE_ROOT"
# One build at a time per machine (two clones running this at once share the cache and /usr).
exec 9>"$CACHE_ROOT/documentdb.lock"
flock 9

if cache_complete; then
  if installed_matches_cache; then
    log "[2/8] build: up to date (cache $CACHE_DIR)"
  else
    restore_from_cache
    log "[2/8] build: restored from cache $CACHE_DIR"
  fi
  print_versions
  exit 0
fi

# ---------------------------------------------------------------------------------------------------------
# Cold build

WORK="$(mktemp -d "${TMPDIR:-/tmp}/docgate-documentdb-build.XXXXXX")"
trap 'chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT
STAGE="$WORK/stage" # DESTDIR of every `make install`: exactly the files that go to the cache
mkdir -p "$STAGE" "$WORK/src" "$WORK/dl"
LOG="$WORK/build.log"

# run STEP-DESCRIPTION COMMAND...: runs quietly into $LOG; on failure shows the end of the log.
run() {
  local what="$1"
  shift
  if ! "$@" >>"$LOG" 2>&1; then
    tail -n 60 "$LOG" >&2
    die "$what failed (last lines of the build log above)"
  fi
}

# fetch_source NAME: unpacks the named source into $WORK/src/NAME after checking its checksums.
fetch_source() {
  local name="$1" entry file url commit sum tree archive got
  for entry in "${SOURCES[@]}"; do
    [[ "${entry%%|*}" == "$name" ]] && break
  done
  IFS='|' read -r _ file url commit sum tree <<<"$entry"
  if [[ -f "$VENDOR_DIR/$file" ]]; then
    archive="$VENDOR_DIR/$file"
    got="$(sha256_of "$archive")"
    [[ "$got" == "$sum" ]] || die "$archive: SHA-256 $got, expected $sum"
    if [[ -f "$VENDOR_DIR/SHA256SUMS" ]] && ! (cd "$VENDOR_DIR" && grep " $file\$" SHA256SUMS | sha256sum --quiet -c - >/dev/null 2>&1); then
      die "$archive does not match $VENDOR_DIR/SHA256SUMS"
    fi
  else
    archive="$WORK/dl/$file"
    curl -fsSL --retry 2 -o "$archive" "$url" || die "no $file in $VENDOR_DIR and downloading $url failed"
  fi
  # Both the vendored tarballs and GitHub's archives are `git archive` output, which records the commit.
  got="$(gzip -dc "$archive" | git get-tar-commit-id 2>/dev/null || true)"
  [[ "$got" == "$commit" ]] || die "$file is of commit ${got:-unknown}, expected $commit"
  mkdir -p "$WORK/src/$name"
  tar -xzf "$archive" -C "$WORK/src/$name" --strip-components=1
  got="$(tree_sum "$WORK/src/$name")"
  [[ "$got" == "$tree" ]] || die "$file: tree checksum $got, expected $tree"
}

patch_file() {
  local name="$1" entry
  for entry in "${PATCHES[@]}"; do
    if [[ "${entry%%|*}" == "$name" ]]; then
      [[ "$(sha256_of "$PATCH_DIR/$name")" == "${entry#*|}" ]] || die "$PATCH_DIR/$name: checksum mismatch"
      echo "$PATCH_DIR/$name"
      return
    fi
  done
  die "unknown patch $name"
}

# Files staged so far are also installed, so that later builds (DocumentDB) find earlier headers.
# New files, not rewritten ones, for the reason given in restore_from_cache.
install_stage() { cp -a --remove-destination "$STAGE/." /; }

JOBS="$(nproc)"
PGXS_ARGS=(PG_CONFIG="$PG_CONFIG" with_llvm=no)

# Step 2: libbson, static, private prefix (Debian's 1.23 lacks BSON_SUBTYPE_SENSITIVE)
fetch_source libbson
run "libbson configure" cmake -S "$WORK/src/libbson" -B "$WORK/libbson-build" \
  -DENABLE_MONGOC=OFF -DENABLE_TESTS=OFF -DENABLE_EXAMPLES=OFF -DENABLE_ICU=OFF \
  -DENABLE_STATIC=ON -DENABLE_SHARED=OFF -DCMAKE_C_FLAGS=-fPIC -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$WORK/libbson"
run "libbson build" cmake --build "$WORK/libbson-build" --parallel "$JOBS" --target install
log "[2/8] libbson $LIBBSON_VERSION built ($(elapsed))"

# Step 3: pg_cron (Debian's 1.4.2 makes CREATE EXTENSION documentdb fail)
fetch_source pg_cron
run "pg_cron build" make -C "$WORK/src/pg_cron" -j"$JOBS" "${PGXS_ARGS[@]}"
run "pg_cron install" make -C "$WORK/src/pg_cron" "${PGXS_ARGS[@]}" DESTDIR="$STAGE" install
log "[3/8] pg_cron $PG_CRON_VERSION built ($(elapsed))"

# Step 4: pgvector (required by documentdb; not packaged for Debian 12)
fetch_source pgvector
run "pgvector build" make -C "$WORK/src/pgvector" -j"$JOBS" "${PGXS_ARGS[@]}" OPTFLAGS=
run "pgvector install" make -C "$WORK/src/pgvector" "${PGXS_ARGS[@]}" OPTFLAGS= DESTDIR="$STAGE" install
install_stage
log "[4/8] pgvector $PGVECTOR_VERSION built ($(elapsed))"

# Step 5: a pkg-config file for Debian's Intel decimal maths library, which ships none. libbidgcc000 is
# the call-by-value variant without global rounding or flags, the one DocumentDB's own build makes.
BID_LIB="$(dpkg-query -L libintelrdfpmath-dev | grep '/libbidgcc000\.a$' | head -n 1)"
[[ -n "$BID_LIB" ]] || die "libbidgcc000.a not found in libintelrdfpmath-dev"
mkdir -p "$WORK/pkgconfig"
cat >"$WORK/pkgconfig/intelmathlib.pc" <<EOF
Name: intelmathlib
Description: Intel Decimal Floating-Point Math Library (Debian's libintelrdfpmath-dev)
Version: 2.0
Cflags:
Libs: -L$(dirname "$BID_LIB") -l:libbidgcc000.a
EOF
export PKG_CONFIG_PATH="$WORK/pkgconfig:$WORK/libbson/lib/pkgconfig:$WORK/libbson/lib64/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists libbson-static-1.0 intelmathlib || die "pkg-config cannot find libbson-static-1.0 or intelmathlib"
log "[5/8] intelmathlib.pc written for $BID_LIB"

# Step 6: DocumentDB with the two patches: the core extension, then the API extension
fetch_source documentdb
for p in documentdb-concurrent-upsert-fix.patch documentdb-fam-upsert-return-fix.patch; do
  run "patch $p" patch -d "$WORK/src/documentdb" -p1 --forward -i "$(patch_file "$p")"
done
for dir in pg_documentdb_core pg_documentdb; do
  run "$dir build" make -C "$WORK/src/documentdb/$dir" -j"$JOBS" "${PGXS_ARGS[@]}"
  run "$dir install" make -C "$WORK/src/documentdb/$dir" "${PGXS_ARGS[@]}" DESTDIR="$STAGE" install
done
install_stage
log "[6/8] DocumentDB $DOCUMENTDB_COMMIT (patched) built ($(elapsed))"

# Step 7: FerretDB from the Go module proxy, patched (PostgreSQL unique violations become error 11000)
if ! command -v go >/dev/null 2>&1; then export PATH="$PATH:/usr/local/go/bin"; fi
command -v go >/dev/null 2>&1 || die "Go is required to build FerretDB (not on PATH nor in /usr/local/go/bin)"
# From an empty folder, so that no surrounding go.mod interferes.
GO_SRC="$(cd "$WORK" && go mod download -json "$FERRETDB_MODULE@v$FERRETDB_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[[ -n "$GO_SRC" && -d "$GO_SRC" ]] || die "could not locate the source of $FERRETDB_MODULE@v$FERRETDB_VERSION"
cp -R "$GO_SRC/." "$WORK/src/ferretdb"
chmod -R u+w "$WORK/src/ferretdb"
run "patch FerretDB" patch -d "$WORK/src/ferretdb" -p1 --forward -i "$(patch_file ferretdb-v$FERRETDB_VERSION-duplicate-key-code.patch)"
echo "v$FERRETDB_VERSION" >"$WORK/src/ferretdb/build/version/version.txt"
mkdir -p "$WORK/bin"
(cd "$WORK/src/ferretdb" && run "FerretDB build" go build -trimpath -buildvcs=false -o "$WORK/bin/ferretdb" ./cmd/ferretdb)
# Into a variable first: `--version | grep -q` can fail under pipefail when grep exits before the
# binary has written all of it (SIGPIPE).
BUILT_VERSION="$("$WORK/bin/ferretdb" --version)" || die "the built FerretDB does not start"
grep -qix "version: v$FERRETDB_VERSION" <<<"$BUILT_VERSION" ||
  die "the built FerretDB does not report v$FERRETDB_VERSION: $BUILT_VERSION"
log "[7/8] FerretDB $FERRETDB_VERSION (patched) built ($(elapsed))"

# Step 8: into the cache (atomically: a half-written entry is never taken for a whole one), then install
ENTRY="$CACHE_DIR.tmp.$$"
rm -rf "$ENTRY"
mkdir -p "$ENTRY/bin"
cp -a "$STAGE" "$ENTRY/root"
cp -a "$WORK/bin/ferretdb" "$ENTRY/bin/ferretdb"
(cd "$ENTRY/root" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum >"$ENTRY/system.sha256")
(cd "$ENTRY/bin" && sha256sum ferretdb >"$ENTRY/bin.sha256")
rm -rf "$CACHE_DIR"
mv "$ENTRY" "$CACHE_DIR"
restore_from_cache
log "[8/8] installed and cached in $CACHE_DIR ($(du -sh "$CACHE_DIR" | cut -f1))"
print_versions
