/* mpi_start.c — the least an MPI program does: MPI_Init and MPI_Finalize. Its wall
 * time under mpirun is the launcher's and MPI's share of twintrial's start-up
 * (tests/bench/run.sh, figure 3). */
#include <mpi.h>

int main(int argc, char **argv)
{
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 2;
  return MPI_Finalize() != MPI_SUCCESS ? 2 : 0;
}
