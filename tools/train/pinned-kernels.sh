# Sourced by tools/reproduce.sh and tools/train/cpu_check.sh: the floating-point kernels and threads the shipped
# files are built with. OpenBLAS, oneDNN and ATen each pick their kernels by CPU (AVX-512 ones where they can), and
# kernels round sums differently, so unpinned builds differ between CPUs; pinned to AVX2 they should not (training
# checked under emulation: tools/train/cpu_check.sh). OpenBLAS is held to one thread so the core count cannot matter.
if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null || ! grep -qw fma /proc/cpuinfo; then
  echo "$(basename "$0"): needs an x86-64 CPU with AVX2 and FMA (the kernels the shipped files were built with)" >&2
  exit 1
fi
export OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=1 ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2
