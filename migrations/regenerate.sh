#!/usr/bin/env bash
# Regenerates migrations/versions/0001_initial.py from the models while nothing has been released.
# After the first release, add new revisions with `alembic revision --autogenerate -m "..."` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial.py
LOYALTY_DATABASE_URL="sqlite:///$tmp/empty.db" python -m alembic -c alembic.ini revision --autogenerate \
  --rev-id 0001 -m "initial" >/dev/null
mv migrations/versions/0001_initial*.py migrations/versions/0001_initial.py 2>/dev/null || true
python -m ruff format -q migrations/versions/0001_initial.py || true
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial.py"
