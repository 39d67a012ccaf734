#!/bin/bash
# Local runner for a workstation (Debian 12). Installs what is missing (needs root
# or sudo), builds the release preset, then:
#   jobs/local.sh trial [PROTOCOL] [twintrial run options]   run a trial on all local cores into
#                                                             results.h5 (kept if it exists: add --force
#                                                             to replace it, or -o OTHER.h5)
#   jobs/local.sh test                                        run the whole test suite (CTest, -j nproc)
#   jobs/local.sh build                                       only install and build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

runtime_pkgs="build-essential cmake pkg-config libopenmpi-dev openmpi-bin petsc-dev libhdf5-openmpi-dev hdf5-tools libyaml-dev"
test_pkgs="libpcg-cpp-dev r-base-core r-cran-survival r-cran-hdf5r r-cran-desolve r-cran-rpact r-cran-mass r-cran-lpsolve r-cran-nlme r-cran-lme4 r-cran-pbkrtest r-cran-numderiv r-cran-mice python3-h5py python3-pandas python3-matplotlib python3-numpy python3-pip python3-setuptools python3-venv slurm-wlm munge clang-14 libclang-rt-14-dev valgrind"

install_missing() {
  local missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "installing:$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
}

build() {
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)"
}

# Open MPI refuses root unless told; more ranks than cores need oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

cmd=${1:-trial}
shift || true
case "$cmd" in
  build) install_missing $runtime_pkgs; build ;;
  trial)
    install_missing $runtime_pkgs
    build
    protocol=${1:-protocols/alzheimers_procova.yaml}
    shift || true
    mpirun -n "$(nproc)" build/twintrial run "$protocol" -o results.h5 "$@"
    ;;
  test)
    install_missing $runtime_pkgs $test_pkgs
    build
    # Two tests at a time per core pair; the sanitizer, valgrind, fuzz and Slurm suites
    # are RUN_SERIAL (they use every core themselves).
    ctest --preset release -j "$(nproc)"
    ;;
  *) echo "usage: jobs/local.sh [build|trial|test]" >&2; exit 1 ;;
esac
