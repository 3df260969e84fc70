// Eigenvalues of a small dense symmetric matrix by the cyclic Jacobi method, in double. For the
// D×D Gram matrices of the analysis (D ≤ a few hundred), where O(D³) per sweep is cheap and
// Jacobi's high relative accuracy on small eigenvalues matters for rank estimates. Not a
// general-purpose eigen-solver (no eigenvectors, no large or non-symmetric matrices).
#pragma once

#include <vector>

namespace grok {

// a: [n,n] row-major, symmetric (only checked to be square). Returns the n eigenvalues in
// descending order. Cyclic Jacobi (Golub & Van Loan, Matrix Computations §8.5): sweeps of
// rotations zeroing each off-diagonal entry until the off-diagonal Frobenius norm is below
// 1e-15 of the matrix norm (at most 100 sweeps).
std::vector<double> symmetric_eigenvalues(std::vector<double> a, int n);

}  // namespace grok
