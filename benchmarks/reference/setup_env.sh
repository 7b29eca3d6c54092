#!/usr/bin/env bash
# Recreate the reference-simulator environment (Brian 2 and NEST) outside the repository.
# Idempotent: an existing environment with the right versions is left alone.
# Usage: bash benchmarks/reference/setup_env.sh [ENV_DIR]   (default /work/refenv)
set -euo pipefail

ENV_DIR="${1:-${AXONAL_REFENV:-/work/refenv}}"
BRIAN2_VERSION="2.9.0"
NEST_VERSION="3.10.0"

if [ ! -x "$ENV_DIR/bin/python" ]; then
    python3 -m venv "$ENV_DIR"
fi

have_versions() {
    "$ENV_DIR/bin/python" - "$BRIAN2_VERSION" "$NEST_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
ok = version("brian2") == sys.argv[1] and version("nest-simulator") == sys.argv[2]
sys.exit(0 if ok else 1)
PY
}

if ! have_versions; then
    "$ENV_DIR/bin/pip" install -q --upgrade pip
    # numpy < 2.4: Brian 2.9.0 was measured with numpy 2.3.x.
    "$ENV_DIR/bin/pip" install -q "brian2==$BRIAN2_VERSION" "numpy<2.4" \
        "nest-simulator==$NEST_VERSION" || {
        echo "NEST failed to install; installing Brian 2 alone" >&2
        "$ENV_DIR/bin/pip" install -q "brian2==$BRIAN2_VERSION" "numpy<2.4"
    }
fi

# Brian 2's cython runtime and C++ standalone need a C++ compiler.
command -v g++ >/dev/null || echo "warning: g++ not found (apt-get install g++)" >&2

cd /tmp
"$ENV_DIR/bin/python" -c "import brian2, numpy; print('brian2', brian2.__version__, 'numpy', numpy.__version__)"
"$ENV_DIR/bin/python" -c "import nest; print('nest', nest.__version__)" 2>/dev/null | tail -1 \
    || echo "nest: not importable" >&2
