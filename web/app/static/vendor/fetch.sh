#!/usr/bin/env bash
# Rebuilds this folder from the npm registry with pinned versions and checks
# every file against SHA256SUMS. Only the files the pages load at run time
# are kept: the face-api ESM bundle (which includes TensorFlow.js 4.22.0
# with its WASM backend), the backend's .wasm binaries and four models.
#
#   bash web/app/static/vendor/fetch.sh          # fetch, copy, check
#   bash web/app/static/vendor/fetch.sh --check  # only check the hashes
#   bash web/app/static/vendor/fetch.sh --update # after changing a version: fetch and rewrite SHA256SUMS
#
# Needs npm (from Debian's npm package or Node.js), tar and sha256sum.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
FACEAPI=1.7.15
TFJS=4.22.0

check() { (cd "$here" && sha256sum --quiet -c SHA256SUMS) && echo "vendor: every file matches SHA256SUMS"; }
if [ "${1:-}" = "--check" ]; then check; exit; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# npm pack checks each tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "@vladmandic/face-api@$FACEAPI" "@tensorflow/tfjs-backend-wasm@$TFJS" >/dev/null)
mkdir "$tmp/face-api" "$tmp/wasm"
tar -xzf "$tmp/vladmandic-face-api-$FACEAPI.tgz" -C "$tmp/face-api"
tar -xzf "$tmp/tensorflow-tfjs-backend-wasm-$TFJS.tgz" -C "$tmp/wasm"

fa="$here/face-api-$FACEAPI"
wa="$here/tfjs-backend-wasm-$TFJS"
rm -rf "$fa" "$wa"
mkdir -p "$fa/model" "$wa"
cp "$tmp/face-api/package/dist/face-api.esm.js" "$tmp/face-api/package/LICENSE" "$fa/"
for m in tiny_face_detector_model face_landmark_68_model face_recognition_model face_expression_model; do
  cp "$tmp/face-api/package/model/$m-weights_manifest.json" "$tmp/face-api/package/model/$m.bin" "$fa/model/"
done
# Plain and SIMD builds; the threaded build needs cross-origin isolation,
# which these pages do not ask for, so it is left out.
cp "$tmp/wasm/package/dist/tfjs-backend-wasm.wasm" "$tmp/wasm/package/dist/tfjs-backend-wasm-simd.wasm" "$wa/"
# The tarball names its licence (Apache-2.0) without shipping the text;
# Debian's copy is the same text.
cp /usr/share/common-licenses/Apache-2.0 "$wa/LICENSE"
chmod 0644 "$fa"/* "$fa"/model/* "$wa"/*
if [ "${1:-}" = "--update" ]; then
  (cd "$here" && find "face-api-$FACEAPI" "tfjs-backend-wasm-$TFJS" -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
  echo "vendor: SHA256SUMS rewritten; update README.md's table and run the face tests"
fi
check
