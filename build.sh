#!/usr/bin/env bash
# The Concurrency Playground's one entry point.
#
#   ./build.sh serve [--port N] [--host ADDR] [--allow-host NAME] [--frame-ancestors VALUE]
#                                               build, then serve at http://127.0.0.1:8080/; on
#                                               loopback, pages at http://localhost:ANY-PORT may
#                                               frame embed.html (elsewhere only the site itself)
#   ./build.sh serve --dist [--port N]          serve dist/ three ways: N with headers, N+1 with
#                                               none (service worker), N+2 with neither
#   ./build.sh test                             every test suite (host, wasm in Chromium and Firefox,
#                                               end to end)
#   ./build.sh build [--drills]                 build the wasm package into www/pkg/ (--drills:
#                                               with the benchmarks and failure drills)
#   ./build.sh dist                             the whole site as static files in dist/
#   ./build.sh bench [--quick]                  measure: browser vs native vs CPython vs Pyodide
#
# Each command first installs what it needs and is missing (idempotent: a second run skips
# set-up and rebuilds only what changed). Tools come from the package registries only:
# rustup components, crates.io, npm, Debian.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

CRATE=concurrency_playground
WASM_TARGET=wasm32-unknown-unknown
WASM_OUT=target/$WASM_TARGET/release/$CRATE.wasm
PKG=www/pkg
WASM_PACK_VERSION=0.15.1
# Threads on shared memory need a std built with atomics; only nightly can do that.
BUILD_STD=(-Z build-std=panic_abort,std)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- set-up -------------------------------------------------------------------------------

ensure_rust() {
  local installed
  installed=$(rustup target list --installed --toolchain nightly 2>/dev/null || true)
  grep -qx "$WASM_TARGET" <<<"$installed" || { say "adding rustup target $WASM_TARGET"; rustup target add "$WASM_TARGET" --toolchain nightly; }
  local components
  components=$(rustup component list --installed --toolchain nightly 2>/dev/null || true)
  for component in rust-src rustfmt clippy; do
    grep -q "^$component" <<<"$components" \
      || { say "adding rustup component $component"; rustup component add "$component" --toolchain nightly; }
  done
}

# The wasm-bindgen CLI must be exactly the version Cargo.lock names, or the glue it writes
# does not match the library compiled into the module.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "cannot find wasm-bindgen's version in Cargo.lock"
  if ! have wasm-bindgen || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    # The one tool not installed --locked: its lockfile names webpki-roots 1.0.11, which the
    # registry here does not have. `cargo install --locked wasm-bindgen-cli --version 0.2.130`
    # stops at resolution with "failed to select a version for the requirement
    # `webpki-roots = "^1.0.10"` (locked to 1.0.11) ... required by package `ureq v3.5.0`".
    # Unlocked, cargo picks the newest compatible versions instead.
    say "installing wasm-bindgen-cli $want (several minutes, once)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_npm() {
  # binaryen's wasm-opt (Debian's 108 writes modules Chromium cannot start), playwright-core,
  # and rolldown, which bundles the hosted site's JavaScript (tools/bundle.mjs).
  if [ ! -x node_modules/.bin/wasm-opt ] || [ package.json -nt node_modules/.package-lock.json ] \
     || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

apt_install() {
  say "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

ensure_browser() {
  local missing=()
  have chromium || missing+=(chromium)
  have chromedriver || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# The second engine: Debian's Firefox ESR, and geckodriver from crates.io.
GECKODRIVER_VERSION=0.37.1
# The third engine: Debian's WebKitGTK (its MiniBrowser is the browser), WebKitWebDriver, and
# Xvfb for its window (tests/e2e/webkit.harness.mjs starts both).
ensure_webkit() {
  local missing=()
  have WebKitWebDriver || missing+=(webkit2gtk-driver)
  compgen -G '/usr/lib/*/webkit2gtk-4.1/MiniBrowser' >/dev/null || missing+=(libwebkit2gtk-4.1-0)
  have Xvfb || missing+=(xvfb)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_firefox() {
  have firefox-esr || apt_install firefox-esr
  if ! have geckodriver || [ "$(geckodriver --version | awk 'NR==1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (a few minutes, once)"
    # --locked: the dependency versions geckodriver was released and tested with (all of them
    # are in the registry; checked for 0.37.1).
    cargo install --locked geckodriver --version "$GECKODRIVER_VERSION"
  fi
}

ensure_wasm_pack() {
  if ! have wasm-pack || [ "$(wasm-pack --version | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    say "installing wasm-pack $WASM_PACK_VERSION"
    # --locked: the dependency versions wasm-pack was released with (all in the registry;
    # checked for 0.15.1).
    cargo install --locked wasm-pack --version "$WASM_PACK_VERSION"
  fi
}

setup_build() { ensure_rust; ensure_wasm_bindgen; ensure_npm; }

# The Python interpreter (python/) builds for wasm32-wasip1-threads with the stable toolchain,
# whose std for that target is prebuilt (the pinned nightly has none).
PY_TARGET=wasm32-wasip1-threads
ensure_python_toolchain() {
  rustup target list --installed --toolchain stable 2>/dev/null | grep -qx "$PY_TARGET" \
    || { say "adding rustup target $PY_TARGET (stable)"; rustup target add "$PY_TARGET" --toolchain stable; }
}

# --- build --------------------------------------------------------------------------------

# `build_wasm` builds the modules the page ships: `www/pkg/` (the seed's programs, what every
# page loads first) and `www/pkg-lessons/` (every program, the lessons beyond the seed and rayon
# with them, loaded when a lesson's section first comes into view or runs).
# `build_wasm drills` builds the ones the tests and the bench load, which also have the
# benchmarks and failure drills (cargo feature `drills`). Cargo keeps every build, so
# switching between them costs a copy, not a compile.
build_wasm() {
  local variant=${1:-production} drills=()
  [ "$variant" = drills ] && drills=(drills)
  # Served from the site itself: it makes the page isolated on hosts that send no headers. Our
  # lines first (tools/coi-not-modified.js): its service worker passed a 304 on as the response.
  cat tools/coi-not-modified.js node_modules/coi-serviceworker/coi-serviceworker.js > www/coi-serviceworker.js.tmp
  cmp -s www/coi-serviceworker.js.tmp www/coi-serviceworker.js && rm www/coi-serviceworker.js.tmp \
    || mv www/coi-serviceworker.js.tmp www/coi-serviceworker.js # unchanged: its entity tag stays
  build_module "$variant" "$PKG" page "${drills[@]}"
  build_module "$variant" "$PKG-lessons" page "${drills[@]}" lessons
  copy_sources
  build_python
}

# build_module VARIANT OUT_DIR [FEATURE...]: one module, bound and optimised into OUT_DIR.
build_module() {
  local variant=$1 out=$2 features
  shift 2
  features=$(IFS=,; echo "$*")
  say "building the threaded wasm module into $out ($variant${features:+; features $features})"
  cargo build --release --lib --target "$WASM_TARGET" "${BUILD_STD[@]}" ${features:+--features "$features"}
  node tools/check-shared-memory.mjs "$WASM_OUT"
  local stamp=$out/.built-from
  if [ -f "$stamp" ] && [ "$stamp" -nt "$WASM_OUT" ] && [ "$(cat "$stamp")" = "$variant $features" ] && [ -f "$out/${CRATE}_bg.wasm" ]; then
    return # the package is newer than the module, and of the same build: nothing changed
  fi
  rm -rf "$out.tmp"
  # The reset function lets a process worker start a fresh process (new instance, new memory).
  wasm-bindgen --target web --experimental-reset-state-function --out-dir "$out.tmp" "$WASM_OUT"
  # npm's binaryen, never one that happens to be on PATH.
  node_modules/.bin/wasm-opt -O3 --enable-threads --enable-bulk-memory --enable-reference-types \
    --enable-mutable-globals --enable-nontrapping-float-to-int --enable-sign-ext \
    "$out.tmp/${CRATE}_bg.wasm" -o "$out.tmp/${CRATE}_bg.opt.wasm"
  mv "$out.tmp/${CRATE}_bg.opt.wasm" "$out.tmp/${CRATE}_bg.wasm"
  node tools/check-shared-memory.mjs "$out.tmp/${CRATE}_bg.wasm" >/dev/null
  rm -rf "$out" && mv "$out.tmp" "$out" && echo "$variant $features" > "$stamp"
  local raw gz
  raw=$(stat -c %s "$out/${CRATE}_bg.wasm")
  gz=$(gzip -9c "$out/${CRATE}_bg.wasm" | wc -c)
  say "wasm ($out, $variant${features:+, $features}): $raw bytes raw, $gz bytes gzip"
}

# The Python mode's interpreter: RustPython with real threads (python/README.md), about 6
# minutes cold on 2 cores (its one link, with link-time optimisation, about 2). Its target directory is outside the checkout, so every clone on this
# machine (CI's included) builds it once. RUSTC_BOOTSTRAP names the one crate allowed an
# unstable feature (parking_lot_core's memory.atomic.wait parker); cargo itself stays stable.
PY_TARGET_DIR=${PY_TARGET_DIR:-$HOME/.cache/concurrency-playground/python-target}
build_python() {
  ensure_python_toolchain
  say "building the Python interpreter (python/, $PY_TARGET)"
  # No path of this machine in the module: the registry's sources are named from its root (the
  # same value on every clone here, so the target directory's builds stay valid for all).
  # The harness and the stdlib list by content (build.rs reruns when it changes): the target
  # directory is shared by every clone, and a file's change in this clone could pass unseen
  # after a build of another (its build script's inputs were the other clone's files).
  local harness
  harness=$(cat python/stdlib.txt python/py/*.py | sha256sum | cut -c1-16)
  ( cd python && RUSTC_BOOTSTRAP=parking_lot_core CARGO_TARGET_DIR="$PY_TARGET_DIR" PY_HARNESS="$harness" \
      RUSTFLAGS="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=/cargo-registry" \
      cargo +stable build --release --locked --ignore-rust-version --target "$PY_TARGET" )
  publish_python "$PY_TARGET_DIR/$PY_TARGET/release/playground-python.wasm" www/pkg-python
  # CodeMirror (the editor) and browser_wasi_shim (WASI) from npm, as a browser loads them.
  node tools/vendor.mjs www
}

# publish_python MODULE DIR: the module under a content-hashed name (a browser may keep it for
# good; a new build is a new name), and python.json naming it with its size (the download's
# progress bar needs the total, which a compressing server does not send).
publish_python() {
  local module=$1 dir=$2 hash bytes
  hash=$(sha256sum "$module" | cut -c1-16)
  bytes=$(stat -c %s "$module")
  mkdir -p "$dir"
  # The new file, then the name, then the old files go: a page loading meanwhile finds one.
  [ -f "$dir/python-$hash.wasm" ] || cp -p "$module" "$dir/python-$hash.wasm"
  printf '{ "wasm": "python-%s.wasm", "bytes": %s }\n' "$hash" "$bytes" > "$dir/python.json"
  find "$dir" -maxdepth 1 -name 'python*.wasm' ! -name "python-$hash.wasm" -delete
  say "Python interpreter: $dir/python-$hash.wasm, $bytes bytes raw, $(gzip -9c "$module" | wc -c) bytes gzip"
}

# The scenarios' source files, beside the module built from them: the page shows them.
copy_sources() {
  mkdir -p "$PKG/src"
  cp -p src/scenarios/*.rs "$PKG/src/"
}

build_server() {
  cargo build --release -p playground-server --quiet
}

SERVER=target/release/playground-server

# --- commands -----------------------------------------------------------------------------

cmd_build() {
  case ${1:-} in
    "") setup_build; build_wasm ;;
    --drills) setup_build; build_wasm drills ;;
    *) die "build: unknown option $1 (only --drills)" ;;
  esac
}

cmd_dist() {
  setup_build
  build_wasm
  say "writing dist/"
  rm -rf dist
  mkdir -p dist
  cp -r www/. dist/
  rm -f dist/pkg/.built-from dist/pkg/*.d.ts dist/pkg-lessons/.built-from dist/pkg-lessons/*.d.ts
  # One script per page before it is ready, instead of a module per file (rolldown, npm).
  node tools/bundle.mjs dist
  node tools/write-host-config.mjs dist
  write_npm_package dist/npm
  say "dist/: $(find dist -type f | wc -l) files, $(du -sh dist | cut -f1)"
}

# The npm package for course sites with their own bundler: the JS API, the worker and the
# wasm-bindgen package, as examples/course-site uses it.
write_npm_package() {
  local out=$1 version
  version=$(awk -F'"' '/^version = /{ print $2; exit }' Cargo.toml)
  rm -rf "$out" && mkdir -p "$out/pkg"
  cp www/playground.js www/worker.js "$out/"
  cp www/protocol.js www/start.js www/learner-time.js www/shared-memory.js "$out/"
  mkdir -p "$out/python" && cp www/python/limits.js "$out/python/"
  # The lessons module, which carries every program: a course site runs any lesson in one world,
  # and its bundler has one module to copy.
  cp -r "$PKG-lessons/$CRATE.js" "$PKG-lessons/${CRATE}_bg.wasm" "$PKG-lessons/$CRATE.d.ts" "$PKG-lessons/snippets" "$out/pkg/"
  cp npm/README.md npm/playground.d.ts LICENSE-MIT LICENSE-APACHE "$out/"
  # No repository, homepage or bugs: the project has no public URL yet, and an invented one
  # would point users elsewhere. The README says where the source is.
  cat > "$out/package.json" <<JSON
{
  "name": "concurrency-playground",
  "version": "$version",
  "description": "Python's threads, locks, processes, pools and asyncio, run for real in the browser (Rust + WebAssembly)",
  "type": "module",
  "main": "./playground.js",
  "types": "./playground.d.ts",
  "exports": {
    ".": { "types": "./playground.d.ts", "default": "./playground.js" },
    "./start.js": "./start.js",
    "./worker.js": "./worker.js"
  },
  "files": ["playground.js", "playground.d.ts", "worker.js", "protocol.js", "start.js", "learner-time.js", "shared-memory.js", "python/limits.js", "pkg/", "README.md", "LICENSE-MIT", "LICENSE-APACHE"],
  "license": "MIT OR Apache-2.0",
  "sideEffects": false
}
JSON
}

# Builds examples/course-site with its own bundler (Vite) against dist/npm. `npm ci`: its
# committed lockfile pins Vite's whole dependency tree, so the test builds the same bundle.
# The course-site example: installed from dist/npm, type-checked against the package's
# playground.d.ts (tsc, pinned in its package.json), and built with Vite.
build_course_site_example() {
  ( cd examples/course-site && npm ci --no-audit --no-fund --silent && npx tsc -p . && npx vite build --logLevel warn )
}

cmd_serve() {
  # frame: who may frame embed.html. Unset, the server decides (localhost's pages when it
  # listens on loopback, else only itself); with --dist the headers host allows any site.
  local port=${PORT:-8080} host=127.0.0.1 dist=false allow=() frame=()
  while [ $# -gt 0 ]; do
    case $1 in
      --port) port=${2:?--port needs a value}; shift 2 ;;
      --host) host=${2:?--host needs a value}; shift 2 ;;
      --allow-host) allow+=(--allow-host "${2:?--allow-host needs a value}"); shift 2 ;;
      --frame-ancestors) frame=(--frame-ancestors "${2:?--frame-ancestors needs a value}"); shift 2 ;;
      --dist) dist=true; shift ;;
      *) die "serve: unknown option $1" ;;
    esac
  done
  # Checked before any set-up and before $((port + 1)): bash arithmetic would evaluate a
  # value like 'a[$(cmd)]'. --dist uses port+2, hence 65533.
  if ! [[ $port =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65533)); then
    printf 'build.sh: serve: --port (or PORT) must be a number from 1 to 65533, got %q\n' "$port" >&2
    exit 2
  fi
  port=$((10#$port))
  if [ "$dist" = false ]; then
    setup_build
    build_wasm
    build_server
    exec "$SERVER" --root www --host "$host" --port "$port" "${frame[@]}" "${allow[@]}"
  fi
  cmd_dist
  build_server
  # Three hosts a course author may have: one that sends the headers, one that sends none
  # (the service worker isolates the page after one reload), one where that worker is blocked.
  local pids=()
  [ ${#frame[@]} -gt 0 ] || frame=(--frame-ancestors '*')
  "$SERVER" --root dist --host "$host" --port "$port" "${frame[@]}" "${allow[@]}" & pids+=($!)
  "$SERVER" --root dist --host "$host" --port $((port + 1)) --no-isolation-headers "${allow[@]}" & pids+=($!)
  "$SERVER" --root dist --host "$host" --port $((port + 2)) --no-isolation-headers --no-service-worker "${allow[@]}" & pids+=($!)
  trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
  wait
}

cmd_test() {
  setup_build
  ensure_browser
  ensure_firefox
  ensure_webkit
  ensure_wasm_pack
  local failed=()

  say "format and lints: cargo fmt --check (both workspaces), clippy -D warnings (host; wasm), no function over 80 lines"
  cargo fmt --all --check || failed+=("cargo fmt")
  ( cd python && cargo +stable fmt --check ) || failed+=("cargo fmt (python/)")
  # too_many_lines: over clippy.toml's 80 lines.
  cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings -W clippy::too_many_lines \
    || failed+=("clippy (host)")
  cargo clippy --lib --target "$WASM_TARGET" "${BUILD_STD[@]}" --features drills,lessons --quiet -- -D warnings \
    -W clippy::too_many_lines \
    || failed+=("clippy (wasm)")
  say "JavaScript: Biome's format and lint check (biome.json; npm, pinned)"
  npx biome check || failed+=("biome check")

  say "host tests (cargo test, with and without the drills)"
  cargo test --workspace --all-features || failed+=("cargo test")
  cargo test --lib --quiet || failed+=("cargo test (without drills)")

  say "wasm tests in headless Chromium (wasm-pack test)"
  # `wasm-pack test` runs no wasm-opt; the page's module is optimised by build_wasm only,
  # with npm's binaryen, so an old wasm-opt on PATH is never used.
  WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-60} \
    wasm-pack test --headless --chrome -- "${BUILD_STD[@]}" --features drills,lessons || failed+=("wasm-pack test (Chromium)")
  say "the conventional wasm-pack test, typed without -Z build-std, says which command works"
  # It cannot link (std must be built with atomics); tools/wasm-link names the right command.
  local plain_log=target/plain-wasm-pack-test.log
  if WASM_BINDGEN_TEST_TIMEOUT=60 wasm-pack test --headless --chrome >"$plain_log" 2>&1; then
    failed+=("plain wasm-pack test linked without build-std: its message is untested")
  elif ! grep -q -- "wasm-pack test --headless --chrome -- -Z build-std=panic_abort,std --features drills" "$plain_log"; then
    tail -n 20 "$plain_log" >&2
    failed+=("plain wasm-pack test failed without naming the command that works")
  fi
  say "wasm tests in headless Firefox ESR (wasm-pack test)"
  WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-60} \
    wasm-pack test --headless --firefox -- "${BUILD_STD[@]}" --features drills,lessons || failed+=("wasm-pack test (Firefox)")

  say "end-to-end tests (playwright-core + Chromium against the dev server and dist/)"
  cmd_dist # the production module: dist/, the npm package and the hosting tests use it
  build_course_site_example || failed+=("course-site example build")
  build_wasm drills # www/: the page the other end-to-end tests and the bench drive
  # After the build: the checked scripts import www/pkg/ (typed by wasm-bindgen's .d.ts) and
  # www/vendor/, which a fresh clone does not have before it.
  say "JavaScript: tsc's type check of the scripts marked // @ts-check (tsconfig.json; npm, pinned)"
  npx tsc -p tsconfig.json || failed+=("tsc")
  node tools/check-ts-check.mjs || failed+=("// @ts-check missing")
  build_server
  say "the bench still works (./build.sh bench --quick; figures not asserted)"
  node tools/bench.mjs --quick > /dev/null || failed+=("bench --quick")

  node --test --test-concurrency=1 tests/e2e/ || failed+=("end-to-end")

  if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
  fi
}

cmd_bench() {
  setup_build
  ensure_browser
  cmd_dist # the hosted site, whose page load is measured beside the dev server's
  build_wasm drills
  build_server
  say "benchmarks (${1:-full})"
  node tools/bench.mjs "$@"
}

case ${1:-} in
  serve) shift; cmd_serve "$@" ;;
  test) shift; cmd_test "$@" ;;
  build) shift; cmd_build "$@" ;;
  dist) shift; cmd_dist "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
