// Special functions behind the p-values of statistics.h: the regularised incomplete beta
// function and Student's t distribution. Written from the math (continued fraction evaluated
// by the modified Lentz method), double precision, about 1e-14 relative accuracy for the
// arguments statistics uses. Not a general special-function library.
#pragma once

namespace grok {

// I_x(a, b) = B(x; a, b) / B(a, b) for a, b > 0 and x in [0, 1]; NaN outside.
double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for Student's t with df > 0 degrees of freedom (df need not be an integer).
double student_t_cdf(double t, double df);

// The q-quantile of Student's t with df > 0 (q in (0, 1)): the t with student_t_cdf(t, df) = q,
// found by bisection to double precision. NaN outside the domain.
double student_t_quantile(double q, double df);

// P(|T| >= |t|) = I_{df/(df+t²)}(df/2, 1/2), computed directly (no 1 − cdf cancellation).
double student_t_two_sided_p(double t, double df);

}  // namespace grok
