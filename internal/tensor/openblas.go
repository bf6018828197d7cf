//go:build openblas && cgo

package tensor

// With the build tag openblas, the BLAS kernels that dominate large
// products (Dgemm, Dsyrk, Dgemv) are OpenBLAS's, through its C interface,
// and gonum's pure-Go implementation keeps the rest. Debian's
// libopenblas0-pthread provides the library:
//
//	go test -tags openblas -bench N2 .

/*
#cgo LDFLAGS: -L/usr/lib/x86_64-linux-gnu/openblas-pthread -L/usr/lib/x86_64-linux-gnu -l:libopenblas.so.0
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha,
	const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);
void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha,
	const double *a, int lda, double beta, double *c, int ldc);
void cblas_dgemv(int order, int trans, int m, int n, double alpha, const double *a, int lda,
	const double *x, int incx, double beta, double *y, int incy);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// The constants of the C interface.
const (
	rowMajor = 101
	noTrans  = 111
	trans    = 112
	upper    = 121
	lower    = 122
)

// openBLAS is gonum's implementation with OpenBLAS's Dgemm, Dsyrk and
// Dgemv.
type openBLAS struct{ gonum.Implementation }

func cTrans(t blas.Transpose) C.int {
	if t == blas.NoTrans {
		return noTrans
	}
	return trans
}

// Dgemm computes C = alpha op(A) op(B) + beta C.
func (openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || len(a) == 0 || len(b) == 0 {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.cblas_dgemm(rowMajor, cTrans(tA), cTrans(tB), C.int(m), C.int(n), C.int(k), C.double(alpha),
		(*C.double)(&a[0]), C.int(lda), (*C.double)(&b[0]), C.int(ldb), C.double(beta), (*C.double)(&c[0]), C.int(ldc))
}

// Dsyrk computes C = alpha op(A) op(A)ᵀ + beta C on one triangle of C.
func (openBLAS) Dsyrk(ul blas.Uplo, t blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if n == 0 {
		return
	}
	if k == 0 || len(a) == 0 {
		gonum.Implementation{}.Dsyrk(ul, t, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	uplo := C.int(upper)
	if ul == blas.Lower {
		uplo = lower
	}
	C.cblas_dsyrk(rowMajor, uplo, cTrans(t), C.int(n), C.int(k), C.double(alpha),
		(*C.double)(&a[0]), C.int(lda), C.double(beta), (*C.double)(&c[0]), C.int(ldc))
}

// Dgemv computes y = alpha op(A) x + beta y.
func (openBLAS) Dgemv(t blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 || len(a) == 0 || len(x) == 0 || len(y) == 0 || incX < 0 || incY < 0 {
		gonum.Implementation{}.Dgemv(t, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	C.cblas_dgemv(rowMajor, cTrans(t), C.int(m), C.int(n), C.double(alpha), (*C.double)(&a[0]), C.int(lda),
		(*C.double)(&x[0]), C.int(incX), C.double(beta), (*C.double)(&y[0]), C.int(incY))
}

func init() {
	blas64.Use(openBLAS{})
	Backend = "OpenBLAS"
}
