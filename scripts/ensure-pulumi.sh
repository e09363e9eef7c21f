#!/usr/bin/env bash
# Make a Pulumi CLI (and the command provider plugin) available without downloads.
#
# Order: a `pulumi` already on PATH (or in the cache) is used as is; otherwise the CLI
# version paired with the pinned @pulumi/pulumi and pulumi-resource-command 1.2.1 are
# built from Go modules into a cache outside the repository.
#
# Prints this checkout's directory holding the binaries as its last line of stdout (progress goes to
# stderr): <cache>/pulumi-<version>/checkouts/<hash of the checkout path>/bin.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[ensure-pulumi] $*" >&2; }

# The CLI version pairs with the SDK pinned in package.json.
PV="$(node -e 'const p=require(process.argv[1]);process.stdout.write((p.dependencies["@pulumi/pulumi"]||"").replace(/^[~^]/,""))' "$here/package.json")"
[ -n "$PV" ] || { say "cannot read the @pulumi/pulumi pin from package.json"; exit 1; }
COMMAND_VERSION=1.2.1
# pulumi-command has no tag on its provider module; v1.2.1 is this commit's pseudo-version.
COMMAND_PSEUDO=v0.0.0-20260303235922-7f3eb6f3b77c

CACHE="${SIGNALS_BATCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/signals-batch}"
BIN="$CACHE/pulumi-$PV/bin"
mkdir -p "$BIN"

need_cli=1
if [ -x "$BIN/pulumi" ]; then
  need_cli=0
elif command -v pulumi >/dev/null 2>&1 && [ -z "${SIGNALS_BATCH_BUILD_PULUMI:-}" ]; then
  say "using pulumi on PATH: $(command -v pulumi) ($(pulumi version 2>/dev/null || echo '?'))"
  ln -sf "$(command -v pulumi)" "$BIN/pulumi"
  need_cli=0
fi

if [ "$need_cli" = 1 ] || [ ! -x "$BIN/pulumi-resource-command" ]; then
  command -v go >/dev/null 2>&1 || {
    say "no Pulumi CLI on PATH and no Go toolchain to build one."
    say "fix: install the Pulumi CLI v$PV (https://www.pulumi.com/docs/install/) or Go >= 1.25 (then re-run this script)."
    exit 1
  }
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  # The module proxy serves these modules but the checksum database may not answer here;
  # set SIGNALS_BATCH_GOSUMDB=sum.golang.org to verify against it where it is reachable.
  export GOSUMDB="${SIGNALS_BATCH_GOSUMDB:-off}"
fi

if [ "$need_cli" = 1 ]; then
  say "building the Pulumi CLI v$PV from Go modules into $BIN (first time only: about 10-30 minutes)"
  work="$(mktemp -d)"
  (
    cd "$work"
    go mod init example.invalid/pulumi-cli-build >/dev/null 2>&1
    go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
    say "resolving modules for pulumi v$PV"
    go get "github.com/pulumi/pulumi/pkg/v3@v$PV" "github.com/pulumi/pulumi/sdk/v3@v$PV" >&2
    say "compiling pulumi (progress: go build -v)"
    go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PV" \
      -o "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
    mv "$BIN/pulumi.tmp" "$BIN/pulumi"
  )
  rm -rf "$work"
  say "built $("$BIN/pulumi" version)"
fi

# Remember a refused build for a day, so every call does not ask the proxy again.
refused="$BIN/.pulumi-resource-command.unavailable"
if [ ! -x "$BIN/pulumi-resource-command" ]; then
  if command -v pulumi-resource-command >/dev/null 2>&1; then
    ln -sf "$(command -v pulumi-resource-command)" "$BIN/pulumi-resource-command"
  elif [ -f "$refused" ] && [ -z "$(find "$refused" -mmin +1440 2>/dev/null)" ] && [ -z "${SIGNALS_BATCH_BUILD_PULUMI:-}" ]; then
    say "pulumi-resource-command $COMMAND_VERSION unavailable (build refused earlier; SIGNALS_BATCH_BUILD_PULUMI=1 retries)"
  else
    say "building pulumi-resource-command $COMMAND_VERSION from Go modules (first time only: a few minutes)"
    if GOBIN="$BIN" go install -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-command/provider/pkg/version.Version=$COMMAND_VERSION" \
      "github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command@$COMMAND_PSEUDO" 2>"$BIN/.command-build.log"; then
      rm -f "$refused"
    else
      touch "$refused"
      say "WARNING: could not build pulumi-resource-command $COMMAND_VERSION: $(tail -n 2 "$BIN/.command-build.log" | tr '\n' ' ')"
      say "Programs that register @pulumi/command resources need it: install it with"
      say "  pulumi plugin install resource command $COMMAND_VERSION   (or put pulumi-resource-command on PATH)"
    fi
  fi
fi

# What this checkout runs: a folder of its own holding the CLI (hard-linked, so the CLI finds its bundled
# plugins here and not in the shared folder), the command plugin, and the dynamic-provider plugin that
# ships inside this checkout's @pulumi/pulumi. The shared, version-keyed folder above only holds
# binaries that are the same for every checkout, so two checkouts never re-point each other's links.
checkout_id="$(printf '%s' "$here" | sha256sum | cut -c1-16)"
OUT="$CACHE/pulumi-$PV/checkouts/$checkout_id/bin"
mkdir -p "$OUT"
printf '%s\n' "$here" > "$OUT/../checkout-path"

# Replace $OUT/$2 with a link to $1 atomically (a temporary name renamed over the old one).
place() {
  local target="$1" name="$2" kind="$3" tmp="$OUT/.$2.$$"
  rm -f "$tmp"
  if [ "$kind" = hard ] && ln "$target" "$tmp" 2>/dev/null; then :; else ln -s "$target" "$tmp"; fi
  mv -f "$tmp" "$OUT/$name"
}
cli="$(readlink -f "$BIN/pulumi")"
if [ ! "$OUT/pulumi" -ef "$cli" ]; then place "$cli" pulumi hard; fi
if [ -x "$BIN/pulumi-resource-command" ] && [ "$(readlink "$OUT/pulumi-resource-command")" != "$BIN/pulumi-resource-command" ]; then
  place "$BIN/pulumi-resource-command" pulumi-resource-command soft
fi
dyn="$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ -f "$dyn" ] && [ "$(readlink "$OUT/pulumi-resource-pulumi-nodejs")" != "$dyn" ]; then
  place "$dyn" pulumi-resource-pulumi-nodejs soft
fi

echo "$OUT"
