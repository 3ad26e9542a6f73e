#!/usr/bin/env bash
# Set up this checkout (see bootstrap.sh) and render a sample glute handout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
"$VENV/bin/takehome" make glutes \
  --client "Ana Silva" \
  --condition sciatica \
  --note "Lovely work today. Try the figure-4 stretch after work, and tell me how your right hip feels next time." \
  --next-visit "Tuesday, December 9 at 3:00 pm" \
  -o handouts-out/sample-glutes.pdf --force
