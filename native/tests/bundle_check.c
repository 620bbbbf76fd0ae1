/* bundle_check: calls GEMM, SVD and Cholesky through libmsense_native alone and checks the results against
 * independent references computed here (triple loops, reconstruction, known spectra). It links only against
 * the bundle (no system OpenBLAS or LAPACKE), so running it on a target proves the bundle works there: the
 * Arm64 build target cross-compiles it for aarch64 and runs it under qemu-aarch64-static.
 *
 *   cc -O2 bundle_check.c -L<dir> -lmsense_native -Wl,-rpath,<dir> -lm && ./a.out
 *
 * Prints one line per check and "N passed, N failed"; exits non-zero on any failure. With an argument, also checks
 * that OpenBLAS runs that core (ctest forces each arm64 kernel family with OPENBLAS_CORETYPE and names it here, so
 * a silent fallback to the generic core fails). The prototypes are declared here (not taken from cblas.h /
 * lapacke.h) so the program builds with a bare cross compiler. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* CBLAS / LAPACKE enum values and signatures as in cblas.h and lapacke.h (LAPACK_COL_MAJOR = 102). */
enum { RowMajor = 101, ColMajor = 102, NoTrans = 111, Trans = 112, Upper = 121, Lower = 122 };
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc);
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc);
int LAPACKE_dgesdd_work(int layout, char jobz, int m, int n, double *a, int lda, double *s, double *u, int ldu,
                        double *vt, int ldvt, double *work, int lwork, int *iwork);
int LAPACKE_dpotrf_work(int layout, char uplo, int n, double *a, int lda);
int LAPACKE_dpotrs_work(int layout, char uplo, int n, int nrhs, const double *a, int lda, double *b, int ldb);
char *openblas_get_corename(void);
char *openblas_get_config(void);

static int passed, failed;

static void check(int ok, const char *what, double value, double limit)
{
  printf("%s %-58s %.3e (limit %.1e)\n", ok ? "ok  " : "FAIL", what, value, limit);
  if (ok) passed++; else failed++;
}

/* Deterministic values in [-1, 1) from a 64-bit LCG: the same inputs on every platform. */
static unsigned long long state = 0x9E3779B97F4A7C15ull;
static double uniform(void)
{
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(state >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static double *filled(int count)
{
  double *x = malloc(sizeof(double) * (size_t)count);
  for (int i = 0; i < count; i++) x[i] = uniform();
  return x;
}

/* ‖x − y‖_F / ‖y‖_F */
static double relative(const double *x, const double *y, int count)
{
  double d = 0, n = 0;
  for (int i = 0; i < count; i++) { d += (x[i] - y[i]) * (x[i] - y[i]); n += y[i] * y[i]; }
  return sqrt(d / n);
}

/* Column-major reference product C = op(A)·op(B), op = transpose when t. */
static void reference_gemm(int ta, int tb, int m, int n, int k, const double *a, int lda, const double *b, int ldb,
                           double *c)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      long double s = 0;
      for (int p = 0; p < k; p++)
        s += (long double)(ta ? a[p + (size_t)i * lda] : a[i + (size_t)p * lda]) *
             (tb ? b[j + (size_t)p * ldb] : b[p + (size_t)j * ldb]);
      c[i + (size_t)j * m] = (double)s;
    }
}

static void gemm_checks(void)
{
  /* Sizes past OpenBLAS's blocking thresholds, odd so the kernels' edge code runs too. */
  const int m = 131, n = 77, k = 203;
  double *a = filled(m * k), *b = filled(k * n), *at = filled(k * m), *bt = filled(n * k);
  double *c = calloc((size_t)m * n, sizeof(double)), *ref = calloc((size_t)m * n, sizeof(double));

  reference_gemm(0, 0, m, n, k, a, m, b, k, ref);
  cblas_dgemm(ColMajor, NoTrans, NoTrans, m, n, k, 1.0, a, m, b, k, 0.0, c, m);
  double e = relative(c, ref, m * n);
  check(e < 1e-14, "dgemm C = A*B (131x203 * 203x77)", e, 1e-14);

  reference_gemm(1, 1, m, n, k, at, k, bt, n, ref);
  cblas_dgemm(ColMajor, Trans, Trans, m, n, k, 1.0, at, k, bt, n, 0.0, c, m);
  e = relative(c, ref, m * n);
  check(e < 1e-14, "dgemm C = A^T*B^T", e, 1e-14);

  /* beta accumulates: C = 2·A·B − 1·C with C = A·B from above gives A·B again. */
  reference_gemm(0, 0, m, n, k, a, m, b, k, ref);
  memcpy(c, ref, sizeof(double) * (size_t)m * n);
  cblas_dgemm(ColMajor, NoTrans, NoTrans, m, n, k, 2.0, a, m, b, k, -1.0, c, m);
  e = relative(c, ref, m * n);
  check(e < 1e-14, "dgemm alpha = 2, beta = -1", e, 1e-14);

  /* Single precision against the double reference. */
  float *af = malloc(sizeof(float) * (size_t)m * k), *bf = malloc(sizeof(float) * (size_t)k * n);
  float *cf = malloc(sizeof(float) * (size_t)m * n);
  double *cd = malloc(sizeof(double) * (size_t)m * n), *ad = malloc(sizeof(double) * (size_t)m * k),
         *bd = malloc(sizeof(double) * (size_t)k * n);
  for (int i = 0; i < m * k; i++) { af[i] = (float)a[i]; ad[i] = af[i]; }
  for (int i = 0; i < k * n; i++) { bf[i] = (float)b[i]; bd[i] = bf[i]; }
  reference_gemm(0, 0, m, n, k, ad, m, bd, k, ref);
  cblas_sgemm(ColMajor, NoTrans, NoTrans, m, n, k, 1.0f, af, m, bf, k, 0.0f, cf, m);
  for (int i = 0; i < m * n; i++) cd[i] = cf[i];
  e = relative(cd, ref, m * n);
  check(e < 1e-5, "sgemm C = A*B (float)", e, 1e-5);

  free(a); free(b); free(at); free(bt); free(c); free(ref); free(af); free(bf); free(cf); free(cd); free(ad); free(bd);
}

static void svd_checks(void)
{
  /* A = Q1·diag(σ)·Q2ᵀ with known σ: Q from Householder reflections I − 2vvᵀ/vᵀv (exactly orthogonal in exact
   * arithmetic), so the computed singular values must reproduce σ and UΣVᵀ must reproduce A. */
  const int m = 60, n = 40;
  double sigma[40], *a = calloc((size_t)m * n, sizeof(double)), *copy = malloc(sizeof(double) * (size_t)m * n);
  for (int i = 0; i < n; i++) sigma[i] = 10.0 / (1.0 + i); /* descending, condition number 40 */
  for (int i = 0; i < n; i++) a[i + (size_t)i * m] = sigma[i];
  double *v = filled(m), *w = filled(n);
  double vv = 0, ww = 0;
  for (int i = 0; i < m; i++) vv += v[i] * v[i];
  for (int i = 0; i < n; i++) ww += w[i] * w[i];
  for (int j = 0; j < n; j++) { /* A ← (I − 2vvᵀ/vᵀv)·A */
    double s = 0;
    for (int i = 0; i < m; i++) s += v[i] * a[i + (size_t)j * m];
    for (int i = 0; i < m; i++) a[i + (size_t)j * m] -= 2 * s / vv * v[i];
  }
  for (int i = 0; i < m; i++) { /* A ← A·(I − 2wwᵀ/wᵀw) */
    double s = 0;
    for (int j = 0; j < n; j++) s += a[i + (size_t)j * m] * w[j];
    for (int j = 0; j < n; j++) a[i + (size_t)j * m] -= 2 * s / ww * w[j];
  }
  memcpy(copy, a, sizeof(double) * (size_t)m * n);

  double s[40], *u = malloc(sizeof(double) * (size_t)m * n), *vt = malloc(sizeof(double) * (size_t)n * n);
  int *iwork = malloc(sizeof(int) * 8 * (size_t)n);
  double query;
  int info = LAPACKE_dgesdd_work(ColMajor, 'S', m, n, a, m, s, u, m, vt, n, &query, -1, iwork);
  int lwork = (int)query;
  double *work = malloc(sizeof(double) * (size_t)lwork);
  info |= LAPACKE_dgesdd_work(ColMajor, 'S', m, n, a, m, s, u, m, vt, n, work, lwork, iwork);
  check(info == 0, "dgesdd info == 0", (double)info, 0);

  double worst = 0;
  for (int i = 0; i < n; i++) worst = fmax(worst, fabs(s[i] - sigma[i]) / sigma[0]);
  check(worst < 1e-13, "dgesdd singular values equal the constructed ones", worst, 1e-13);

  double *us = malloc(sizeof(double) * (size_t)m * n), *back = malloc(sizeof(double) * (size_t)m * n);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) us[i + (size_t)j * m] = u[i + (size_t)j * m] * s[j];
  reference_gemm(0, 0, m, n, n, us, m, vt, n, back);
  double e = relative(back, copy, m * n);
  check(e < 1e-13, "dgesdd U*S*V^T reproduces A", e, 1e-13);

  double *utu = malloc(sizeof(double) * (size_t)n * n);
  reference_gemm(1, 0, n, n, m, u, m, u, m, utu);
  double orth = 0;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) orth = fmax(orth, fabs(utu[i + (size_t)j * n] - (i == j)));
  check(orth < 1e-13, "dgesdd U^T*U = I", orth, 1e-13);

  free(a); free(copy); free(v); free(w); free(u); free(vt); free(iwork); free(work); free(us); free(back); free(utu);
}

static void cholesky_checks(void)
{
  /* SPD A = BᵀB + n·I; dpotrf gives L with A = L·Lᵀ, dpotrs solves A·x = b for a chosen x. */
  const int n = 97, k = 120;
  double *b = filled(k * n), *a = malloc(sizeof(double) * (size_t)n * n), *l = malloc(sizeof(double) * (size_t)n * n);
  reference_gemm(1, 0, n, n, k, b, k, b, k, a);
  for (int i = 0; i < n; i++) a[i + (size_t)i * n] += n;
  memcpy(l, a, sizeof(double) * (size_t)n * n);
  int info = LAPACKE_dpotrf_work(ColMajor, 'L', n, l, n);
  check(info == 0, "dpotrf info == 0", (double)info, 0);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < j; i++) l[i + (size_t)j * n] = 0; /* the strict upper part is left untouched: clear it */
  double *llt = malloc(sizeof(double) * (size_t)n * n);
  reference_gemm(0, 1, n, n, n, l, n, l, n, llt);
  double e = relative(llt, a, n * n);
  check(e < 1e-14, "dpotrf L*L^T reproduces A", e, 1e-14);

  double *x = filled(n), *rhs = malloc(sizeof(double) * (size_t)n);
  reference_gemm(0, 0, n, 1, n, a, n, x, n, rhs);
  info = LAPACKE_dpotrs_work(ColMajor, 'L', n, 1, l, n, rhs, n);
  e = relative(rhs, x, n);
  check(info == 0 && e < 1e-12, "dpotrs solves A*x = b", e, 1e-12);

  /* Not positive definite: dpotrf must report the failing minor, not return garbage. */
  double bad[4] = {1, 2, 2, 1}; /* eigenvalues 3 and −1 */
  info = LAPACKE_dpotrf_work(ColMajor, 'L', 2, bad, 2);
  check(info == 2, "dpotrf reports an indefinite matrix (info == 2)", (double)info, 2);

  free(b); free(a); free(l); free(llt); free(x); free(rhs);
}

int main(int argc, char **argv)
{
  const char *core = openblas_get_corename();
  printf("core: %s\nconfig: %s\n", core, openblas_get_config());
  if (argc > 1) {
    char what[96];
    snprintf(what, sizeof what, "OpenBLAS runs the %s kernels (OPENBLAS_CORETYPE)", argv[1]);
    check(strcasecmp(core, argv[1]) == 0, what, 0, 0);
  }
  gemm_checks();
  svd_checks();
  cholesky_checks();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
