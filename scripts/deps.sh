#!/usr/bin/env bash
# Installs what Easel needs, skipping whatever is already there. Idempotent and quiet
# when nothing is missing. Runs as root, or through sudo when not root.
#
#   scripts/deps.sh build      system packages to build (cgo, GTK 3, WebKitGTK) + frontend node_modules
#   scripts/deps.sh lint       build + desktop-file-utils
#   scripts/deps.sh test       build + everything the tests drive: Xvfb, ImageMagick, xdotool, Chromium
#   scripts/deps.sh frontend   only check node/npm and run `npm ci` in frontend/ when needed
#   scripts/deps.sh webkit-tag print the extra Go build tag for the installed WebKitGTK:
#                              "webkit2_41" when only 4.1 is there (e.g. Ubuntu 24.04), else nothing
#
# It never downloads toolchains: when Go or Node is missing or too old it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------- webkit
webkit_tag() {
    if pkg-config --exists webkit2gtk-4.0 2>/dev/null; then
        return 0
    elif pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
        echo webkit2_41
    fi
}

# ---------------------------------------------------------------------------- apt
SUDO=()
apt_updated=0

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install as root: apt-get install $*"
        SUDO=(sudo)
    fi
}

apt_update_once() {
    [ "$apt_updated" = 1 ] && return 0
    say "apt-get update"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
}

# installed PKG: dpkg has PKG fully installed (not just its config files left behind).
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# has_candidate PKG: the distro offers PKG (needs an updated package list).
has_candidate() {
    local c
    c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$c" ] && [ "$c" != "(none)" ]
}

# ensure LABEL PKG...: installs the PKGs that are not installed yet.
ensure() {
    local label=$1; shift
    local missing=() p
    for p in "$@"; do installed "$p" || missing+=("$p"); done
    if [ ${#missing[@]} -eq 0 ]; then
        say "$label packages: all ${#} present"
        return 0
    fi
    need_root "${missing[@]}"
    apt_update_once
    say "$label packages: installing ${missing[*]}"
    local t0=$SECONDS
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    say "$label packages: installed ${#missing[@]} in $((SECONDS - t0)) s"
}

# Sets WEBKIT_PKG to the WebKitGTK dev package: 4.0 where the distro still has it
# (Debian 12, Ubuntu 22.04), otherwise 4.1 (Ubuntu 24.04, Debian 13), which Wails
# uses when built with -tags webkit2_41.
choose_webkit() {
    WEBKIT_PKG=libwebkit2gtk-4.0-dev
    installed libwebkit2gtk-4.0-dev && return 0
    if installed libwebkit2gtk-4.1-dev; then WEBKIT_PKG=libwebkit2gtk-4.1-dev; return 0; fi
    need_root libwebkit2gtk-4.0-dev
    apt_update_once
    has_candidate libwebkit2gtk-4.0-dev && return 0
    has_candidate libwebkit2gtk-4.1-dev ||
        die "this distro offers neither libwebkit2gtk-4.0-dev nor libwebkit2gtk-4.1-dev"
    WEBKIT_PKG=libwebkit2gtk-4.1-dev
}

system_packages() {
    local set=$1
    if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian/Ubuntu system: install gcc, pkg-config, GTK 3 and WebKitGTK 4.0/4.1 development files yourself"
        [ "$set" = build ] || say "and for tests: Xvfb (xvfb-run), xauth, ImageMagick, xdotool, Chromium, desktop-file-utils"
        return 0
    fi
    choose_webkit
    ensure build gcc libc6-dev pkg-config libgtk-3-dev "$WEBKIT_PKG"
    case $set in
        lint) ensure lint desktop-file-utils ;;
        test) ensure test xvfb xauth imagemagick xdotool chromium desktop-file-utils ;;
    esac
    local tag
    tag=$(webkit_tag)
    if [ -n "$tag" ]; then
        say "WebKitGTK 4.1: Go builds use -tags $tag"
    else
        say "WebKitGTK 4.0: no extra Go build tag"
    fi
}

# ---------------------------------------------------------------------------- toolchains
# version_ge A B: A >= B for dotted versions.
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

check_go() {
    local want have
    want=$(awk '$1 == "go" {print $2; exit}' go.mod 2>/dev/null || true)
    command -v go >/dev/null 2>&1 ||
        die "Go is not installed: install Go ${want:-1.26} or newer from https://go.dev/dl and put it on PATH"
    # the installed toolchain itself (outside the module, so go.mod cannot make it switch)
    have=$(cd / && GOTOOLCHAIN=local go env GOVERSION)
    have=${have#go}
    have=${have%%[-+ ]*}
    if [ -n "$want" ] && ! version_ge "$have" "$want"; then
        die "Go $have is older than go.mod's go $want: install Go $want or newer from https://go.dev/dl"
    fi
    say "go $have (go.mod wants ${want:-any})"
}

check_node() {
    command -v node >/dev/null 2>&1 ||
        die "Node.js is not installed: install Node.js 20 LTS or newer (with npm), e.g. from https://nodejs.org"
    command -v npm >/dev/null 2>&1 ||
        die "npm is not installed: install it with Node.js 20 LTS or newer"
    local have want=18
    have=$(node -p 'process.versions.node')
    if [ -f frontend/package.json ]; then
        # the first version that package.json's engines.node names, if any
        want=$(node -p 'const r=(require("./frontend/package.json").engines||{}).node||""; (r.match(/\d+(\.\d+){0,2}/)||["18"])[0]')
    fi
    version_ge "$have" "$want" ||
        die "Node.js $have is too old: frontend needs $want or newer"
    say "node $have, npm $(npm --version)"
}

# npm ci when node_modules is missing or older than package-lock.json.
frontend_modules() {
    if [ ! -f frontend/package.json ]; then
        say "no frontend/package.json yet: skipping npm ci"
        return 0
    fi
    [ -f frontend/package-lock.json ] ||
        die "frontend/package-lock.json is missing: run 'npm install' in frontend/ and commit the lock file"
    local stamp=frontend/node_modules/.package-lock.json
    if [ -f "$stamp" ] && ! [ frontend/package-lock.json -nt "$stamp" ]; then
        say "frontend/node_modules up to date"
        return 0
    fi
    say "npm ci in frontend/"
    local t0=$SECONDS
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp" 2>/dev/null || true
    say "npm ci done in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------- main
case ${1:-} in
    build|lint|test)
        system_packages "$1"
        check_go
        check_node
        frontend_modules
        ;;
    frontend)
        check_node
        frontend_modules
        ;;
    webkit-tag)
        webkit_tag
        ;;
    *)
        echo "usage: $0 build|lint|test|frontend|webkit-tag" >&2
        exit 2
        ;;
esac
