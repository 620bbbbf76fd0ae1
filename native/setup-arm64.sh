#!/usr/bin/env bash
# Installs what the linux-arm64 cross build and its emulated tests need on an x64 Debian 12 host, and nothing when
# it is all there already (the build target Arm64 runs this first; the default build never does):
#   - Debian multiarch arm64 (dpkg --add-architecture), for the static arm64 OpenBLAS and LAPACKE archives;
#   - the cross compilers (gcc, and gfortran for its static libgfortran.a);
#   - qemu-user-static, and the arm64 C and C++ runtimes (libc6, libstdc++6) that emulated .NET needs.
# On an arm64 host the same packages install natively (no :arm64 suffix needed, no qemu).
set -euo pipefail

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# Debian's own mirrors carry arm64; Ubuntu's x64 archive does not (it would need ports.ubuntu.com sources).
if [ -r /etc/os-release ] && ! grep -qE '^ID=debian$' /etc/os-release; then
  echo "setup-arm64.sh: written for Debian multiarch; on other distributions install the equivalents of:" >&2
  echo "  gcc-aarch64-linux-gnu gfortran-aarch64-linux-gnu libopenblas-pthread-dev:arm64 liblapacke-dev:arm64 qemu-user-static" >&2
  exit 1
fi

host="$(dpkg --print-architecture)"
packages=(cmake ninja-build gcc-aarch64-linux-gnu gfortran-aarch64-linux-gnu)
if [ "$host" = arm64 ]; then
  packages+=(libopenblas-pthread-dev liblapacke-dev)
else
  packages+=(libopenblas-pthread-dev:arm64 liblapacke-dev:arm64 libc6:arm64 libstdc++6:arm64 qemu-user-static)
fi

# dpkg-query reports "install ok installed" only for packages that are fully there.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> arm64 cross toolchain, arm64 OpenBLAS/LAPACKE and qemu present"
  exit 0
fi

added_arch=0
if [ "$host" != arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "==> Adding the arm64 architecture (dpkg --add-architecture arm64)"
  $SUDO dpkg --add-architecture arm64
  added_arch=1
fi
echo "==> Installing: ${missing[*]}"
if ! $SUDO apt-get update -qq; then
  # Leave apt as it was: a foreign architecture whose indexes cannot be fetched breaks every later apt-get update.
  if [ $added_arch -eq 1 ]; then $SUDO dpkg --remove-architecture arm64; fi
  echo "setup-arm64.sh: apt-get update failed (does the mirror carry arm64?)" >&2
  exit 1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
