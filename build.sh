#!/usr/bin/env bash
# Bootstrapper: installs what the build needs (Debian packages, the Cake tool), then runs build.cake.
#   ./build.sh                  set up, build, and run the main job (msense run)
#   ./build.sh --target=Test    run every test and print "N passed, N failed, N skipped"
# Other targets: Native, Build, Bench, Perf, Pack, Generate (see build.cake).
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need=()
# grep without -q reads all of ldconfig's output, so pipefail never sees ldconfig die of SIGPIPE.
have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }
have_lib 'libopenblas.so.0' || need+=(libopenblas0-pthread)
have_lib 'liblapacke.so.3' || need+=(liblapacke)
[ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] || need+=(libopenblas-dev)
[ -f /usr/include/lapacke.h ] || need+=(liblapacke-dev)
# The binding generator (libclang) and the NumPy peer comparisons.
/usr/bin/python3 -c 'import clang.cindex' 2>/dev/null || need+=(python3-clang-14 libclang1-14)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
# SciPy sparse: the completion peer of the side-by-side harness.
/usr/bin/python3 -c 'import scipy.sparse' 2>/dev/null || need+=(python3-scipy)
command -v cmake >/dev/null || need+=(cmake)
command -v gfortran >/dev/null || need+=(gfortran)
# The native bundle (target Native): Ninja for the CMake presets, the static archives it links.
command -v ninja >/dev/null || need+=(ninja-build)
# The one-node Slurm cluster of the sweep end-to-end test (docs/cluster/test-one-node.sh).
command -v sbatch >/dev/null || need+=(slurm-wlm)
command -v munged >/dev/null || need+=(munge)
multiarch="$(uname -m)-linux-gnu"
[ -f "/usr/lib/$multiarch/openblas-pthread/libopenblas.a" ] || need+=(libopenblas-pthread-dev)
[ -f "/usr/lib/$multiarch/liblapacke.a" ] || need+=(liblapacke-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "==> Debian packages present (OpenBLAS, LAPACKE, headers, libclang, NumPy)"
fi

echo "==> Restoring local dotnet tools (Cake)"
dotnet tool restore >/dev/null

exec dotnet cake build.cake "$@"
